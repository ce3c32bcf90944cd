import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import type { EnquiryStatus } from '../../lib/api-models'
import { queryKeys } from '../../lib/query-client'

export type OwnStatus = Exclude<EnquiryStatus, 'unclaimed'>
export type TargetStatus = Exclude<OwnStatus, 'claimed'>

export function useMyEnquiries(status: OwnStatus | undefined, page: number) {
  return useQuery({
    queryKey: [...queryKeys.myEnquiries, status ?? 'all', page],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/enquiries/my-enquiries', {
          params: { query: { page, limit: 20, ...(status ? { status } : {}) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  })
}

export function useEnquiry(id: string) {
  return useQuery({
    queryKey: queryKeys.enquiry(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/enquiries/{id}', { params: { path: { id } }, signal })),
  })
}

export type FollowUpWhen = 'overdue' | 'today'

/** The browser's time zone decides what "today" is. */
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone

const FOLLOW_UPS_SHOWN = 20

/** One's own follow-ups (an admin's too: `claimedBy` is always oneself here), soonest first. */
export function useFollowUps(when: FollowUpWhen, employeeId: string) {
  return useQuery({
    queryKey: [...queryKeys.followUps, when, employeeId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/enquiries/follow-ups', {
          params: {
            query: { when, tz: browserTimeZone(), claimedBy: employeeId, limit: FOLLOW_UPS_SHOWN },
          },
          signal,
        }),
      ),
  })
}

/** After any change to one enquiry: it, the lists it appears in. */
function useRefreshAfterChange(id: string) {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.enquiry(id) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.myEnquiries }),
      queryClient.invalidateQueries({ queryKey: queryKeys.pool }),
      queryClient.invalidateQueries({ queryKey: queryKeys.followUps }),
    ])
}

export function useClaimEnquiry(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/enquiries/{id}/claim', { params: { path: { id } } })),
    onSettled: refresh,
  })
}

export function useChangeStatus(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: (status: TargetStatus) =>
      unwrap(api.PUT('/api/enquiries/{id}/status', { params: { path: { id } }, body: { status } })),
    onSettled: refresh,
  })
}

export function useAddNote(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST('/api/enquiries/{id}/notes', { params: { path: { id } }, body: { text } })),
    onSettled: refresh,
  })
}

export function useRelease(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/enquiries/{id}/release', { params: { path: { id } } })),
    onSettled: refresh,
  })
}

export interface FollowUp {
  /** ISO 8601 date-time. */
  at: string
  note?: string
}

export function useSetFollowUp(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: (followUp: FollowUp) =>
      unwrap(
        api.PUT('/api/enquiries/{id}/follow-up', { params: { path: { id } }, body: followUp }),
      ),
    onSettled: refresh,
  })
}

export function useClearFollowUp(id: string) {
  const refresh = useRefreshAfterChange(id)
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/enquiries/{id}/follow-up', { params: { path: { id } } })),
    onSettled: refresh,
  })
}
