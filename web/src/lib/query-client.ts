import { QueryClient } from '@tanstack/react-query'
import { ApiError } from './api-client'

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // An answer from the API (403, 404, 429…) will not change by asking again at once.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status > 0) && failureCount < 2,
      refetchOnWindowFocus: true,
    },
    mutations: { retry: false },
  },
})

/** Query keys, one family per resource, so mutations invalidate exactly what they change. */
export const queryKeys = {
  pool: ['pool'] as const,
  myEnquiries: ['my-enquiries'] as const,
  enquiry: (id: string) => ['enquiry', id] as const,
  team: ['team'] as const,
  allEnquiries: ['all-enquiries'] as const,
  stats: ['stats'] as const,
  followUps: ['follow-ups'] as const,
  me: ['me'] as const,
  routingRules: ['routing-rules'] as const,
  slaSettings: ['sla-settings'] as const,
}
