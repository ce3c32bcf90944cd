import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import { queryKeys } from '../../lib/query-client'

export function useStats() {
  return useQuery({
    queryKey: queryKeys.stats,
    queryFn: ({ signal }) => unwrap(api.GET('/api/stats', { signal })),
  })
}
