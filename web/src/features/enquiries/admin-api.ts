import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  api,
  getAuthorizationHeader,
  SESSION_ENDED,
  toApiError,
  unwrap,
} from '../../lib/api-client'
import type { AdminEnquiryQuery } from '../../lib/api-models'
import { endSession } from '../../lib/auth-store'
import { queryKeys } from '../../lib/query-client'

export type AdminFilters = Omit<AdminEnquiryQuery, 'page' | 'limit' | 'cursor'>

export function useAllEnquiries(filters: AdminFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...queryKeys.allEnquiries, filters, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/enquiries', {
          params: { query: { ...filters, limit: 25, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  })
}

export function useAssign() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, employeeId }: { id: string; employeeId: string }) =>
      unwrap(
        api.POST('/api/enquiries/{id}/assign', {
          params: { path: { id } },
          body: { employeeId },
        }),
      ),
    onSettled: (_data, _error, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.allEnquiries }),
        queryClient.invalidateQueries({ queryKey: queryKeys.pool }),
        queryClient.invalidateQueries({ queryKey: queryKeys.enquiry(id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.team }),
      ]),
  })
}

/** The CSV export needs the token, so it is fetched and handed to the browser as a file. */
export function useCsvDownload() {
  return useMutation({
    mutationFn: async (filters: Omit<AdminFilters, 'sort'>) => {
      const query = new URLSearchParams(
        Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]),
      )
      const response = await fetch(`/api/enquiries/export?${query}`, {
        headers: getAuthorizationHeader(),
      })
      if (response.status === 401) endSession(SESSION_ENDED)
      if (!response.ok) throw toApiError(await response.json().catch(() => ({})), response)
      const disposition = response.headers.get('content-disposition') ?? ''
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'enquiries.csv'
      const url = URL.createObjectURL(await response.blob())
      const link = document.createElement('a')
      link.href = url
      link.download = name
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      return name
    },
  })
}
