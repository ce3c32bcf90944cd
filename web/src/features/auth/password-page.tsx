import { type FormEvent, useState } from 'react'
import { Alert } from '../../components/alert'
import { PasswordField } from '../../components/field'
import { Page } from '../../components/page'
import { ApiError } from '../../lib/api-client'
import { useChangePassword } from './api'

export function PasswordPage() {
  const change = useChangePassword()
  const [currentPassword, setCurrentPassword] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [mismatch, setMismatch] = useState(false)
  const fieldErrors = change.error instanceof ApiError ? change.error.fieldErrors : {}

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const differs = newPassword !== repeated
    setMismatch(differs)
    if (differs) return
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrentPassword('')
          setNewPassword('')
          setRepeated('')
        },
      },
    )
  }

  return (
    <Page title="Change password">
      <form onSubmit={submit} className="stack narrow" noValidate>
        <PasswordField
          label="Current password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
          error={fieldErrors.currentPassword}
        />
        <PasswordField
          label="New password"
          autoComplete="new-password"
          minLength={8}
          hint="At least 8 characters."
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          error={fieldErrors.newPassword}
        />
        <PasswordField
          label="Repeat the new password"
          autoComplete="new-password"
          value={repeated}
          onChange={(event) => setRepeated(event.target.value)}
          error={mismatch ? 'The two new passwords differ' : undefined}
        />
        {change.error && <Alert tone="error">{change.error.message}</Alert>}
        {change.isSuccess && <Alert tone="success">{change.data.message}</Alert>}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </Page>
  )
}
