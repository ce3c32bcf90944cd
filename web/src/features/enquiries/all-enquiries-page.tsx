import { type FormEvent, useId, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { PriorityBadge, StatusBadge } from '../../components/badges'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import type { Enquiry, EnquiryStatus } from '../../lib/api-models'
import {
  formatDateTime,
  priorities,
  priorityLabels,
  sourceLabels,
  sources,
  statusLabels,
} from '../../lib/enquiry-labels'
import { useActiveEmployees } from '../team/api'
import { type AdminFilters, useAllEnquiries, useAssign, useCsvDownload } from './admin-api'

const statuses = Object.keys(statusLabels) as EnquiryStatus[]
const FIELDS = ['status', 'claimedBy', 'priority', 'source', 'courseInterest', 'q', 'from', 'to']
const DAY = /^\d{4}-\d{2}-\d{2}$/

function filtersFrom(params: URLSearchParams): AdminFilters {
  const text = (name: string) => params.get(name)?.slice(0, 100) || undefined
  const status = statuses.find((value) => value === params.get('status'))
  const priority = priorities.find((value) => value === params.get('priority'))
  const source = sources.find((value) => value === params.get('source'))
  const sort = (['oldest', 'priority'] as const).find((value) => value === params.get('sort'))
  const claimedBy = params.get('claimedBy')
  const from = params.get('from')
  const to = params.get('to')
  const filters: AdminFilters = {
    ...(status ? { status } : {}),
    ...(priority ? { priority } : {}),
    ...(source ? { source } : {}),
    ...(sort ? { sort } : {}),
    ...(claimedBy && /^([0-9a-f]{24}|none)$/.test(claimedBy) ? { claimedBy } : {}),
    ...(from && DAY.test(from) ? { from } : {}),
    ...(to && DAY.test(to) ? { to } : {}),
  }
  const courseInterest = text('courseInterest')
  const q = text('q')
  return { ...filters, ...(courseInterest ? { courseInterest } : {}), ...(q ? { q } : {}) }
}

export function AllEnquiriesPage() {
  const [params, setParams] = useSearchParams()
  const filters = filtersFrom(params)
  const filterKey = params.toString()
  const [trail, setTrail] = useState({ filters: '', cursors: [] as string[] })
  const cursors = trail.filters === filterKey ? trail.cursors : []
  const enquiries = useAllEnquiries(filters, cursors.at(-1))
  const employees = useActiveEmployees()
  const download = useCsvDownload()
  const list = enquiries.data
  const { sort: _sort, ...exportFilters } = filters

  return (
    <Page title="All enquiries" aside={list && <p className="count">{list.total} matching</p>}>
      <AdminFilterForm
        filters={filters}
        employees={employees.data?.data ?? []}
        onApply={(form) => {
          const next = new URLSearchParams()
          for (const name of [...FIELDS, 'sort']) {
            const value = String(form.get(name) ?? '').trim()
            if (value && !(name === 'sort' && value === 'newest')) next.set(name, value)
          }
          setParams(next)
        }}
      />
      <div className="button-row">
        <button
          type="button"
          className="button-secondary"
          disabled={download.isPending}
          onClick={() => download.mutate(exportFilters)}
        >
          {download.isPending ? 'Preparing the CSV…' : 'Download CSV'}
        </button>
      </div>
      {download.error && <Alert tone="error">{download.error.message}</Alert>}
      {enquiries.error && <Alert tone="error">{enquiries.error.message}</Alert>}
      {enquiries.isPending && <Loading label="Loading enquiries…" />}
      {list && list.data.length === 0 && <p className="empty">No enquiries match.</p>}
      {list && list.data.length > 0 && (
        <div className="table-wrap" aria-busy={enquiries.isPlaceholderData}>
          <table className="responsive-table">
            <caption className="visually-hidden">Enquiries matching the filters</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Course</th>
                <th scope="col">Status</th>
                <th scope="col">Priority</th>
                <th scope="col">Counselor</th>
                <th scope="col">Received</th>
                <th scope="col">Assign</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((enquiry) => (
                <tr key={enquiry._id}>
                  <th scope="row" data-label="Name">
                    <Link to={`/enquiries/${enquiry._id}`}>{enquiry.name}</Link>
                  </th>
                  <td data-label="Course">{enquiry.courseInterest}</td>
                  <td data-label="Status">
                    <StatusBadge status={enquiry.status} />
                  </td>
                  <td data-label="Priority">
                    <PriorityBadge priority={enquiry.priority} />
                  </td>
                  <td data-label="Counselor">{enquiry.claimedBy?.name ?? 'Unassigned'}</td>
                  <td data-label="Received">{formatDateTime(enquiry.createdAt)}</td>
                  <td data-label="Assign">
                    <AssignControl enquiry={enquiry} employees={employees.data?.data ?? []} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && (cursors.length > 0 || list.nextCursor) && (
        <nav className="pager" aria-label="Pages of enquiries">
          <button
            type="button"
            className="button-secondary"
            disabled={cursors.length === 0}
            onClick={() => setTrail({ filters: filterKey, cursors: cursors.slice(0, -1) })}
          >
            Previous page
          </button>
          <span>
            Page {cursors.length + 1} of {Math.max(list.pages, 1)}
          </span>
          <button
            type="button"
            className="button-secondary"
            disabled={!list.nextCursor || enquiries.isPlaceholderData}
            onClick={() => {
              if (list.nextCursor)
                setTrail({ filters: filterKey, cursors: [...cursors, list.nextCursor] })
            }}
          >
            Next page
          </button>
        </nav>
      )}
    </Page>
  )
}

interface Person {
  _id: string
  name: string
}

function AssignControl({ enquiry, employees }: { enquiry: Enquiry; employees: Person[] }) {
  const id = useId()
  const assign = useAssign()
  const closed = enquiry.status === 'converted' || enquiry.status === 'lost'
  const [employeeId, setEmployeeId] = useState(enquiry.claimedBy?._id ?? '')
  if (closed) return <span>Closed</span>
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (employeeId) assign.mutate({ id: enquiry._id, employeeId })
  }
  return (
    <form className="assign" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Assign {enquiry.name}'s enquiry to
      </label>
      <select id={id} value={employeeId} onChange={(event) => setEmployeeId(event.target.value)}>
        <option value="">Choose…</option>
        {employees.map((person) => (
          <option key={person._id} value={person._id}>
            {person.name}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button-secondary"
        disabled={assign.isPending || !employeeId || employeeId === enquiry.claimedBy?._id}
      >
        Assign
      </button>
      {assign.error && <span className="field-error">{assign.error.message}</span>}
    </form>
  )
}

interface AdminFilterFormProps {
  filters: AdminFilters
  employees: Person[]
  onApply: (form: FormData) => void
}

function AdminFilterForm({ filters, employees, onApply }: AdminFilterFormProps) {
  const id = useId()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    onApply(new FormData(event.currentTarget))
  }
  const select = (name: string, label: string, options: [string, string][], value?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <select id={`${id}-${name}`} name={name} defaultValue={value ?? ''}>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  )
  const input = (name: string, label: string, value?: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        type={type}
        maxLength={100}
        defaultValue={value ?? ''}
      />
    </div>
  )
  return (
    <form
      key={JSON.stringify(filters)}
      className="filters"
      onSubmit={submit}
      aria-label="Filter enquiries"
    >
      {input('q', 'Search', filters.q, 'search')}
      {select(
        'status',
        'Status',
        [['', 'Any status'], ...statuses.map((s): [string, string] => [s, statusLabels[s]])],
        filters.status,
      )}
      {select(
        'claimedBy',
        'Counselor',
        [
          ['', 'Anyone'],
          ['none', 'Unassigned'],
          ...employees.map((person): [string, string] => [person._id, person.name]),
        ],
        filters.claimedBy,
      )}
      {select(
        'priority',
        'Priority',
        [['', 'Any priority'], ...priorities.map((p): [string, string] => [p, priorityLabels[p]])],
        filters.priority,
      )}
      {select(
        'source',
        'Source',
        [['', 'Any source'], ...sources.map((s): [string, string] => [s, sourceLabels[s]])],
        filters.source,
      )}
      {input('courseInterest', 'Course', filters.courseInterest)}
      {input('from', 'Received from', filters.from, 'date')}
      {input('to', 'Received to', filters.to, 'date')}
      {select(
        'sort',
        'Sort',
        [
          ['newest', 'Newest first'],
          ['oldest', 'Oldest first'],
          ['priority', 'Highest priority first'],
        ],
        filters.sort,
      )}
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
      </div>
    </form>
  )
}
