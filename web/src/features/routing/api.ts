import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import type { RoutingRuleFields } from '../../lib/api-models'
import { queryKeys } from '../../lib/query-client'

/** Every rule, in the order the API tries them (by position). */
export function useRoutingRules() {
  return useQuery({
    queryKey: queryKeys.routingRules,
    queryFn: ({ signal }) => unwrap(api.GET('/api/routing-rules', { signal })),
  })
}

function useRefreshRules() {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.routingRules })
}

export function useCreateRule() {
  const refresh = useRefreshRules()
  return useMutation({
    mutationFn: (fields: RoutingRuleFields) =>
      unwrap(api.POST('/api/routing-rules', { body: fields })),
    onSettled: refresh,
  })
}

export function useUpdateRule() {
  const refresh = useRefreshRules()
  return useMutation({
    mutationFn: ({ id, ...change }: Partial<RoutingRuleFields> & { id: string }) =>
      unwrap(api.PATCH('/api/routing-rules/{id}', { params: { path: { id } }, body: change })),
    onSettled: refresh,
  })
}

export function useDeleteRule() {
  const refresh = useRefreshRules()
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/routing-rules/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  })
}
