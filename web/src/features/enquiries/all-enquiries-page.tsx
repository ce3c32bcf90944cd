import { type FormEvent, useId, useState } from 'react'
import { useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { firstContactColumn, summaryColumns, timeColumn } from '../../components/enquiry-columns'
import { EnquiryFilterFields } from '../../components/enquiry-filter-fields'
import { Field, SelectField } from '../../components/field'
import { FilterForm } from '../../components/filter-form'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { CursorPager, useCursorPages } from '../../components/pager'
import type { Enquiry, EnquiryStatus } from '../../lib/api-models'
import { sharedFiltersFrom } from '../../lib/enquiry-filters'
import { optionsOf, statusLabels } from '../../lib/enquiry-labels'
import { useActiveEmployees } from '../team/api'
import { type AdminFilters, useAllEnquiries, useAssign, useCsvDownload } from './admin-api'

const statuses = Object.keys(statusLabels) as EnquiryStatus[]
const DAY = /^\d{4}-\d{2}-\d{2}$/

function filtersFrom(params: URLSearchParams): AdminFilters {
  const status = statuses.find((value) => value === params.get('status'))
  const claimedBy = params.get('claimedBy')
  const from = params.get('from')
  const to = params.get('to')
  return {
    ...sharedFiltersFrom(params),
    ...(status ? { status } : {}),
    ...(claimedBy && /^([0-9a-f]{24}|none)$/.test(claimedBy) ? { claimedBy } : {}),
    ...(from && DAY.test(from) ? { from } : {}),
    ...(to && DAY.test(to) ? { to } : {}),
  }
}

export function AllEnquiriesPage() {
  const [params] = useSearchParams()
  const filters = filtersFrom(params)
  const paging = useCursorPages(params.toString())
  const enquiries = useAllEnquiries(filters, paging.cursor)
  const employees = useActiveEmployees()
  const people = employees.data?.data ?? []
  const download = useCsvDownload()
  const list = enquiries.data
  const { sort: _sort, ...exportFilters } = filters

  return (
    <Page title="All enquiries" aside={list && <p className="count">{list.total} matching</p>}>
      <FilterForm label="Filter enquiries" searchPlaceholder="Name, email or phone">
        <SelectField
          label="Status"
          name="status"
          options={[['', 'Any status'], ...optionsOf(statusLabels)]}
          defaultValue={filters.status ?? ''}
        />
        <SelectField
          label="Counselor"
          name="claimedBy"
          options={[
            ['', 'Anyone'],
            ['none', 'Unassigned'],
            ...people.map((person): [string, string] => [person._id, person.name]),
          ]}
          defaultValue={filters.claimedBy ?? ''}
        />
        <Field label="Received from" name="from" type="date" defaultValue={filters.from ?? ''} />
        <Field label="Received to" name="to" type="date" defaultValue={filters.to ?? ''} />
        <EnquiryFilterFields filters={filters} />
      </FilterForm>
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
        <DataTable
          caption="Enquiries matching the filters"
          busy={enquiries.isPlaceholderData}
          rows={list.data}
          columns={[
            ...summaryColumns(),
            { header: 'Counselor', cell: (enquiry) => enquiry.claimedBy?.name ?? 'Unassigned' },
            firstContactColumn,
            timeColumn('Received', (enquiry) => enquiry.createdAt),
            {
              header: 'Assign',
              cell: (enquiry) => <AssignControl enquiry={enquiry} employees={people} />,
            },
          ]}
        />
      )}
      <CursorPager label="Pages of enquiries" paging={paging} query={enquiries} />
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
