import { type FormEvent, useState } from 'react'
import { useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { Field } from '../../components/field'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { ApiError } from '../../lib/api-client'
import type { TeamMember } from '../../lib/api-models'
import { useSession } from '../../lib/auth-store'
import { formatDateTime } from '../../lib/enquiry-labels'
import { type NewMember, useAddMember, useTeam, useUpdateMember } from './api'

export function TeamPage() {
  const [params, setParams] = useSearchParams()
  const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1)
  const team = useTeam(page)
  const update = useUpdateMember()
  const [done, setDone] = useState<string>()
  const me = useSession()?.employee.id
  const list = team.data

  const change = (member: TeamMember, patch: { role?: TeamMember['role']; isActive?: boolean }) => {
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
        <div className="table-wrap">
          <table className="responsive-table">
            <caption className="visually-hidden">The team</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Open leads</th>
                <th scope="col">Last login</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((member) => (
                <tr key={member._id}>
                  <th scope="row" data-label="Name">
                    {member.name}
                    {member._id === me && ' (you)'}
                  </th>
                  <td data-label="Email">{member.email}</td>
                  <td data-label="Role">{member.role === 'admin' ? 'Admin' : 'Counselor'}</td>
                  <td data-label="Status">{member.isActive ? 'Active' : 'Deactivated'}</td>
                  <td data-label="Open leads">{member.openLeads}</td>
                  <td data-label="Last login">
                    {member.lastLogin ? formatDateTime(member.lastLogin) : 'Never'}
                  </td>
                  <td className="row-action">
                    <div className="button-row">
                      <button
                        type="button"
                        className="button-secondary"
                        disabled={update.isPending}
                        aria-label={`${member.role === 'admin' ? 'Make counselor' : 'Make admin'}: ${member.name}`}
                        onClick={() =>
                          change(member, { role: member.role === 'admin' ? 'counselor' : 'admin' })
                        }
                      >
                        {member.role === 'admin' ? 'Make counselor' : 'Make admin'}
                      </button>
                      <button
                        type="button"
                        className={member.isActive ? 'button-danger' : 'button-secondary'}
                        disabled={update.isPending}
                        aria-label={`${member.isActive ? 'Deactivate' : 'Reactivate'} ${member.name}`}
                        onClick={() => change(member, { isActive: !member.isActive })}
                      >
                        {member.isActive ? 'Deactivate' : 'Reactivate'}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.pages > 1 && (
        <nav className="pager" aria-label="Pages of the team">
          <button
            type="button"
            className="button-secondary"
            disabled={page <= 1}
            onClick={() => setParams({ page: String(page - 1) })}
          >
            Previous page
          </button>
          <span>
            Page {page} of {list.pages}
          </span>
          <button
            type="button"
            className="button-secondary"
            disabled={page >= list.pages}
            onClick={() => setParams({ page: String(page + 1) })}
          >
            Next page
          </button>
        </nav>
      )}
    </Page>
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
        <Field
          label="Initial password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
          hint="At least 8 characters; they can change it after logging in."
          value={member.password}
          onChange={(event) => set({ password: event.target.value })}
          error={errors.password}
        />
        <div className="field">
          <label htmlFor="new-member-role">Role</label>
          <select
            id="new-member-role"
            value={member.role}
            onChange={(event) =>
              set({ role: event.target.value === 'admin' ? 'admin' : 'counselor' })
            }
          >
            <option value="counselor">Counselor</option>
            <option value="admin">Admin</option>
          </select>
        </div>
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
