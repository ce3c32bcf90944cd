import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import type { MeChange } from '../../lib/api-models'
import { replaceToken, startSession } from '../../lib/auth-store'
import { queryKeys } from '../../lib/query-client'

export interface Credentials {
  email: string
  password: string
}

export function useLogIn() {
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      unwrap(api.POST('/api/auth/login', { body: credentials })),
    onSuccess: ({ data }) => startSession({ token: data.token, employee: data.employee }),
  })
}

export interface PasswordChange {
  currentPassword: string
  newPassword: string
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (change: PasswordChange) => unwrap(api.PUT('/api/auth/password', { body: change })),
    // Every token issued before the change stops working, this tab's included.
    onSuccess: ({ data }) => replaceToken(data.token),
  })
}

/** The signed-in employee's own settings (availability, email), from the database. */
export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => unwrap(api.GET('/api/auth/me', { signal })),
  })
}

export function useUpdateMe() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (change: MeChange) => unwrap(api.PATCH('/api/auth/me', { body: change })),
    // The answer is the employee as now stored: the page shows it without asking again.
    onSuccess: (answer) => queryClient.setQueryData(queryKeys.me, answer),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.team }),
  })
}
