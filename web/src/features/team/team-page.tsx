import { type FormEvent, useId, useState } from 'react'
import { useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { Field, PasswordField, SelectField } from '../../components/field'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { NumberedPager, pageFrom } from '../../components/pager'
import { ApiError } from '../../lib/api-client'
import type { TeamMember } from '../../lib/api-models'
import { useSession } from '../../lib/auth-store'
import { formatDateTime, optionsOf } from '../../lib/enquiry-labels'
import { type NewMember, useAddMember, useTeam, useUpdateMember } from './api'

export function TeamPage() {
  const [params, setParams] = useSearchParams()
  const page = pageFrom(params)
  const team = useTeam(page)
  const update = useUpdateMember()
  const [done, setDone] = useState<string>()
  const me = useSession()?.employee.id
  const list = team.data

  const change = (member: TeamMember, patch: MemberChange) => {
    setDone(undefined)
    update.mutate(
      { id: member._id, ...patch },
      { onSuccess: (answer) => setDone(`${member.name}: ${answer.message}`) },
    )
  }

  return (
    <Page title="Team" aside={list && <p className="count">{list.total} people</p>}>
      <AddMemberForm />
      <h2>Everyone</h2>
      <div aria-live="polite">{done && <Alert tone="success">{done}</Alert>}</div>
      {update.error && <Alert tone="error">{update.error.message}</Alert>}
      {team.error && <Alert tone="error">{team.error.message}</Alert>}
      {team.isPending && <Loading label="Loading the team…" />}
      {list && (
        <DataTable
          caption="The team"
          rows={list.data}
          columns={[
            {
              header: 'Name',
              rowHeader: true,
              cell: (member) => `${member.name}${member._id === me ? ' (you)' : ''}`,
            },
            { header: 'Email', cell: (member) => member.email },
            { header: 'Role', cell: (member) => (member.role === 'admin' ? 'Admin' : 'Counselor') },
            { header: 'Status', cell: (member) => (member.isActive ? 'Active' : 'Deactivated') },
            { header: 'Routed leads', cell: routingStateOf },
            {
              header: 'Open leads',
              cell: (member) =>
                member.maxOpenLeads === null
                  ? member.openLeads
                  : `${member.openLeads} of ${member.maxOpenLeads}`,
            },
            {
              header: 'Cap on open leads',
              cell: (member) =>
                member.role === 'counselor' ? (
                  <CapControl
                    // A cap saved (here or elsewhere) shows afresh.
                    key={String(member.maxOpenLeads)}
                    member={member}
                    busy={update.isPending}
                    onChange={change}
                  />
                ) : (
                  '—'
                ),
            },
            {
              header: 'Last login',
              cell: (member) => (member.lastLogin ? formatDateTime(member.lastLogin) : 'Never'),
            },
            {
              header: 'Actions',
              action: true,
              cell: (member) => (
                <MemberActions member={member} busy={update.isPending} onChange={change} />
              ),
            },
          ]}
        />
      )}
      {list && (
        <NumberedPager
          label="Pages of the team"
          page={page}
          pages={list.pages}
          goTo={(next) => setParams({ page: String(next) })}
        />
      )}
    </Page>
  )
}

/** Whether routing rules may give them new leads: admins are never routed leads. */
function routingStateOf(member: TeamMember): string {
  if (member.role === 'admin') return 'Not routed'
  return member.available ? 'Available' : 'Away'
}

type MemberChange = {
  role?: TeamMember['role']
  isActive?: boolean
  maxOpenLeads?: number | null
}

const MAX_CAP = 100_000

/** A counselor's cap on open leads (claims and routing stop there); empty: no cap. */
function CapControl({ member, busy, onChange }: MemberActionsProps) {
  const id = useId()
  const [text, setText] = useState(member.maxOpenLeads === null ? '' : String(member.maxOpenLeads))
  const [invalid, setInvalid] = useState(false)
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const cap = text.trim() === '' ? null : Number(text)
    const valid = cap === null || (Number.isInteger(cap) && cap >= 0 && cap <= MAX_CAP)
    setInvalid(!valid)
    if (valid) onChange(member, { maxOpenLeads: cap })
  }
  return (
    <form className="assign" onSubmit={submit} noValidate>
      <label htmlFor={id} className="visually-hidden">
        Cap on open leads for {member.name}
      </label>
      <input
        id={id}
        type="number"
        className="cap-input"
        min={0}
        max={MAX_CAP}
        step={1}
        placeholder="No cap"
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(event) => setText(event.target.value)}
      />
      <button
        type="submit"
        className="button-secondary"
        disabled={busy}
        aria-label={`Save the cap for ${member.name}`}
      >
        Save
      </button>
      {invalid && (
        <span className="field-error" id={`${id}-error`}>
          A whole number from 0 to {MAX_CAP}, or empty for no cap
        </span>
      )}
    </form>
  )
}

interface MemberActionsProps {
  member: TeamMember
  busy: boolean
  onChange: (member: TeamMember, patch: MemberChange) => void
}

function MemberActions({ member, busy, onChange }: MemberActionsProps) {
  const otherRole = member.role === 'admin' ? 'counselor' : 'admin'
  const roleAction = otherRole === 'admin' ? 'Make admin' : 'Make counselor'
  const activeAction = member.isActive ? 'Deactivate' : 'Reactivate'
  return (
    <div className="button-row">
      <button
        type="button"
        className="button-secondary"
        disabled={busy}
        aria-label={`${roleAction}: ${member.name}`}
        onClick={() => onChange(member, { role: otherRole })}
      >
        {roleAction}
      </button>
      <button
        type="button"
        className={member.isActive ? 'button-danger' : 'button-secondary'}
        disabled={busy}
        aria-label={`${activeAction} ${member.name}`}
        onClick={() => onChange(member, { isActive: !member.isActive })}
      >
        {activeAction}
      </button>
    </div>
  )
}

const EMPTY: NewMember = { name: '', email: '', password: '', role: 'counselor' }

function AddMemberForm() {
  const add = useAddMember()
  const [member, setMember] = useState<NewMember>(EMPTY)
  const errors = add.error instanceof ApiError ? add.error.fieldErrors : {}
  const set = (patch: Partial<NewMember>) => setMember((current) => ({ ...current, ...patch }))

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    add.mutate(member, { onSuccess: () => setMember(EMPTY) })
  }

  return (
    <section aria-labelledby="add-heading" className="card">
      <h2 id="add-heading">Add a team member</h2>
      <form onSubmit={submit} className="filters" noValidate>
        <Field
          label="Name"
          required
          minLength={2}
          maxLength={100}
          value={member.name}
          onChange={(event) => set({ name: event.target.value })}
          error={errors.name}
        />
        <Field
          label="Email"
          type="email"
          required
          maxLength={254}
          value={member.email}
          onChange={(event) => set({ email: event.target.value })}
          error={errors.email}
        />
        <PasswordField
          label="Initial password"
          autoComplete="new-password"
          minLength={8}
          hint="At least 8 characters; they can change it after logging in."
          value={member.password}
          onChange={(event) => set({ password: event.target.value })}
          error={errors.password}
        />
        <SelectField
          label="Role"
          options={optionsOf({ counselor: 'Counselor', admin: 'Admin' })}
          value={member.role}
          onChange={(event) =>
            set({ role: event.target.value === 'admin' ? 'admin' : 'counselor' })
          }
        />
        <div className="filter-actions">
          <button type="submit" disabled={add.isPending}>
            Add to the team
          </button>
        </div>
      </form>
      {add.error && <Alert tone="error">{add.error.message}</Alert>}
      <div aria-live="polite">
        {add.isSuccess && (
          <Alert tone="success">Added {add.data.data.employee.name} to the team.</Alert>
        )}
      </div>
    </section>
  )
}
