import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import { queryKeys } from '../../lib/query-client'

const TEAM_PAGE_SIZE = 50

export function useTeam(page: number) {
  return useQuery({
    queryKey: [...queryKeys.team, page],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/employees', {
          params: { query: { page, limit: TEAM_PAGE_SIZE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  })
}

/** Everyone who can be given an enquiry (the assign menus). */
export function useActiveEmployees() {
  return useQuery({
    queryKey: [...queryKeys.team, 'active'],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/employees', {
          params: { query: { isActive: true, limit: 100 } },
          signal,
        }),
      ),
    staleTime: 60_000,
  })
}

export interface NewMember {
  name: string
  email: string
  password: string
  role: 'counselor' | 'admin'
}

export function useAddMember() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (member: NewMember) => unwrap(api.POST('/api/auth/register', { body: member })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.team }),
  })
}

export interface MemberChange {
  id: string
  role?: 'counselor' | 'admin'
  isActive?: boolean
  /** null: no cap. */
  maxOpenLeads?: number | null
}

export function useUpdateMember() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...change }: MemberChange) =>
      unwrap(api.PATCH('/api/employees/{id}', { params: { path: { id } }, body: change })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.team }),
  })
}
