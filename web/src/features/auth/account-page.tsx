import { useId } from 'react'
import { Link } from 'react-router'
import { Alert } from '../../components/alert'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import type { Me } from '../../lib/api-models'
import { useMe, useUpdateMe } from './api'

/** One's own settings: availability for routed leads and email notifications, saved at once. */
export function AccountPage() {
  const me = useMe()
  return (
    <Page title="Your account">
      {me.error && <Alert tone="error">{me.error.message}</Alert>}
      {me.isPending && <Loading label="Loading your settings…" />}
      {me.data && <AccountSettings employee={me.data.data.employee} />}
    </Page>
  )
}

function AccountSettings({ employee }: { employee: Me }) {
  const availability = useUpdateMe()
  const email = useUpdateMe()
  const available = availability.isPending
    ? (availability.variables.available ?? employee.available)
    : employee.available
  const emailOn = email.isPending
    ? (email.variables.notifications?.email ?? employee.notifications.email)
    : employee.notifications.email

  return (
    <div className="detail-grid">
      <section aria-labelledby="availability-heading" className="card">
        <h2 id="availability-heading">Availability</h2>
        <SettingSwitch
          label="Available for routed leads"
          hint="Switch this off while you are away (holiday, training): routing rules then give you no new leads. You can still claim from the pool."
          checked={available}
          pending={availability.isPending}
          onChange={(next) => availability.mutate({ available: next })}
        />
        <div aria-live="polite">
          {availability.isSuccess && (
            <Alert tone="success">
              {availability.data.data.employee.available
                ? 'Saved: you are available, and routing rules may give you new leads.'
                : 'Saved: you are away, and routing rules give you no new leads.'}
            </Alert>
          )}
        </div>
        {availability.error && <Alert tone="error">{availability.error.message}</Alert>}
        <p>
          {employee.maxOpenLeads === null
            ? 'You have no cap on open leads.'
            : `You hold at most ${employee.maxOpenLeads} open leads at a time (set by an admin).`}
        </p>
      </section>

      <section aria-labelledby="notifications-heading" className="card">
        <h2 id="notifications-heading">Email notifications</h2>
        <SettingSwitch
          label="Email me about my leads"
          hint="Leads assigned or routed to you, first-contact deadlines about to pass or passed, and follow-ups falling due."
          checked={emailOn}
          pending={email.isPending}
          onChange={(next) => email.mutate({ notifications: { email: next } })}
        />
        <div aria-live="polite">
          {email.isSuccess && (
            <Alert tone="success">
              {email.data.data.employee.notifications.email
                ? 'Saved: you will get emails about your leads.'
                : 'Saved: you will get no emails about your leads.'}
            </Alert>
          )}
        </div>
        {email.error && <Alert tone="error">{email.error.message}</Alert>}
      </section>

      <section aria-labelledby="sign-in-heading" className="card">
        <h2 id="sign-in-heading">Signing in</h2>
        <p>
          You sign in as {employee.email}. <Link to="/account/password">Change your password</Link>
        </p>
      </section>
    </div>
  )
}

interface SettingSwitchProps {
  label: string
  hint: string
  checked: boolean
  pending: boolean
  onChange: (checked: boolean) => void
}

/**
 * A setting that applies as soon as it is switched. While it saves, it stays focusable (not
 * disabled, which would drop a keyboard user's focus) and ignores further switching.
 */
function SettingSwitch({ label, hint, checked, pending, onChange }: SettingSwitchProps) {
  const id = useId()
  return (
    <div className="setting">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={checked}
        aria-checked={checked}
        aria-disabled={pending || undefined}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          if (!pending) onChange(event.target.checked)
        }}
      />
      <label htmlFor={id}>{label}</label>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  )
}
