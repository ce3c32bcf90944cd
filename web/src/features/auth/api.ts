import { useMutation } from '@tanstack/react-query'
import { api, unwrap } from '../../lib/api-client'
import { replaceToken, startSession } from '../../lib/auth-store'

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
