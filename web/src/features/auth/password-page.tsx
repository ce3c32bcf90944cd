import { type FormEvent, useState } from 'react'
import { Alert } from '../../components/alert'
import { Field } from '../../components/field'
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
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={128}
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
          error={fieldErrors.currentPassword}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
          hint="At least 8 characters."
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          error={fieldErrors.newPassword}
        />
        <Field
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={128}
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
