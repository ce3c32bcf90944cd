import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api, unwrap } from '../../lib/api-client'
import type { EnquiryList } from '../../lib/api-models'
import type { SharedFilters } from '../../lib/enquiry-filters'
import { queryKeys } from '../../lib/query-client'

export type PoolFilters = SharedFilters

const POOL_PAGE_SIZE = 20

export function usePool(filters: PoolFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...queryKeys.pool, filters, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/enquiries/unclaimed', {
          params: { query: { ...filters, limit: POOL_PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  })
}

/** Takes a row out of every cached pool page at once, before the refetch refills the page. */
function removeFromPool(queryClient: ReturnType<typeof useQueryClient>, id: string): void {
  queryClient.setQueriesData<EnquiryList>({ queryKey: queryKeys.pool }, (list) =>
    list ? { ...list, data: list.data.filter((enquiry) => enquiry._id !== id) } : list,
  )
}

export function useClaim() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/enquiries/{id}/claim', { params: { path: { id } } })),
    onSettled: (_data, error, id) => {
      // Claimed by us, by someone else first, or gone: either way the row has left the pool. At
      // one's cap (also a 409) it stays there for others.
      const gone =
        !error ||
        (error instanceof ApiError &&
          [404, 409].includes(error.status) &&
          error.code !== 'AT_CAPACITY')
      if (gone) removeFromPool(queryClient, id)
      void queryClient.invalidateQueries({ queryKey: queryKeys.pool })
      void queryClient.invalidateQueries({ queryKey: queryKeys.myEnquiries })
      void queryClient.invalidateQueries({ queryKey: queryKeys.enquiry(id) })
    },
  })
}
