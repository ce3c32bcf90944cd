import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import {
  courseColumn,
  nameColumn,
  priorityColumn,
  timeColumn,
} from '../../components/enquiry-columns'
import { EnquiryFilterFields } from '../../components/enquiry-filter-fields'
import { FilterForm } from '../../components/filter-form'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { CursorPager, useCursorPages } from '../../components/pager'
import { ApiError } from '../../lib/api-client'
import type { Enquiry } from '../../lib/api-models'
import { sharedFiltersFrom } from '../../lib/enquiry-filters'
import { sourceLabels } from '../../lib/enquiry-labels'
import { useClaim, usePool } from './api'

type ClaimOutcome =
  | { kind: 'claimed'; enquiry: Pick<Enquiry, '_id' | 'name'> }
  | { kind: 'failed'; name: string; message: string }

function claimFailure(error: unknown, name: string): string {
  if (error instanceof ApiError && error.code === 'ENQUIRY_ALREADY_CLAIMED') {
    return `Someone else claimed ${name}'s enquiry first. It has been removed from the pool.`
  }
  if (error instanceof ApiError && error.code === 'ENQUIRY_NOT_FOUND') {
    return `${name}'s enquiry no longer exists. It has been removed from the pool.`
  }
  if (error instanceof ApiError && error.code === 'AT_CAPACITY') {
    return `${error.message}. Close or release one of yours, or ask an admin to raise your cap.`
  }
  return error instanceof Error ? error.message : 'The enquiry could not be claimed'
}

export function PoolPage() {
  const [params] = useSearchParams()
  const filters = sharedFiltersFrom(params)
  const paging = useCursorPages(params.toString())
  const pool = usePool(filters, paging.cursor)
  const claim = useClaim()
  const [outcome, setOutcome] = useState<ClaimOutcome>()

  const claimRow = (enquiry: Enquiry) => {
    setOutcome(undefined)
    claim.mutate(enquiry._id, {
      onSuccess: () => setOutcome({ kind: 'claimed', enquiry }),
      onError: (error) =>
        setOutcome({
          kind: 'failed',
          name: enquiry.name,
          message: claimFailure(error, enquiry.name),
        }),
    })
  }

  const list = pool.data
  return (
    <Page
      title="Pool"
      aside={
        list && (
          <p className="count">
            {list.total} unclaimed {list.total === 1 ? 'enquiry' : 'enquiries'}
          </p>
        )
      }
    >
      <FilterForm label="Filter the pool" searchPlaceholder="Name, email or phone">
        <EnquiryFilterFields filters={filters} />
      </FilterForm>
      <div aria-live="polite">
        {outcome?.kind === 'claimed' && (
          <Alert tone="success">
            You claimed {outcome.enquiry.name}'s enquiry.{' '}
            <Link to={`/enquiries/${outcome.enquiry._id}`}>
              Open {outcome.enquiry.name}'s enquiry
            </Link>
          </Alert>
        )}
      </div>
      {outcome?.kind === 'failed' && <Alert tone="error">{outcome.message}</Alert>}
      {pool.error && <Alert tone="error">{pool.error.message}</Alert>}
      {pool.isPending && <Loading label="Loading the pool…" />}
      {list && list.data.length === 0 && (
        <p className="empty">No unclaimed enquiries match these filters.</p>
      )}
      {list && list.data.length > 0 && (
        <DataTable
          caption={`Unclaimed enquiries, page ${paging.page} of ${Math.max(list.pages, 1)}`}
          busy={pool.isPlaceholderData}
          rows={list.data}
          columns={[
            nameColumn({ withMessage: true }),
            courseColumn,
            priorityColumn,
            { header: 'Source', cell: (enquiry) => sourceLabels[enquiry.source] },
            timeColumn('Received', (enquiry) => enquiry.createdAt),
            {
              header: 'Action',
              action: true,
              cell: (enquiry) => {
                const claiming = claim.isPending && claim.variables === enquiry._id
                return (
                  <button
                    type="button"
                    onClick={() => claimRow(enquiry)}
                    disabled={claiming}
                    aria-label={`Claim ${enquiry.name}'s enquiry`}
                  >
                    {claiming ? 'Claiming…' : 'Claim'}
                  </button>
                )
              },
            },
          ]}
        />
      )}
      <CursorPager label="Pool pages" paging={paging} query={pool} />
    </Page>
  )
}
