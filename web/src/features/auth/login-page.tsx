import { type FormEvent, useState } from 'react'
import { Navigate, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { Field, PasswordField } from '../../components/field'
import { Page } from '../../components/page'
import { ApiError } from '../../lib/api-client'
import { getNotice, useSession } from '../../lib/auth-store'
import { useLogIn } from './api'

/** Only paths inside the console: `next` must not send anyone to another site. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/pool'
}

export function LoginPage() {
  const session = useSession()
  const [params] = useSearchParams()
  const logIn = useLogIn()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')

  if (session) return <Navigate to={safeNext(params.get('next'))} replace />

  const notice = getNotice()
  const error = logIn.error instanceof ApiError ? logIn.error : undefined
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    logIn.mutate({ email, password })
  }

  return (
    <main id="main" className="login">
      <Page title="Log in">
        <p>Counselors and admins sign in with the email and password the admin gave them.</p>
        {notice && !logIn.isPending && !error && <Alert tone="info">{notice}</Alert>}
        <form onSubmit={submit} noValidate className="stack">
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            maxLength={254}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={error?.fieldErrors.email}
          />
          <PasswordField
            label="Password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={error?.fieldErrors.password}
          />
          {logIn.error && <Alert tone="error">{logIn.error.message}</Alert>}
          <button type="submit" disabled={logIn.isPending}>
            {logIn.isPending ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </Page>
    </main>
  )
}
