import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import type { SlaSettings } from '../../lib/api-models'
import { queryKeys } from '../../lib/query-client'

export function useSlaSettings() {
  return useQuery({
    queryKey: queryKeys.slaSettings,
    queryFn: ({ signal }) => unwrap(api.GET('/api/settings/sla', { signal })),
  })
}

export function useSaveSlaSettings() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (settings: SlaSettings) => unwrap(api.PUT('/api/settings/sla', { body: settings })),
    // The answer is the settings as saved.
    onSuccess: (answer) =>
      queryClient.setQueryData(queryKeys.slaSettings, {
        success: true as const,
        data: answer.data,
      }),
  })
}
