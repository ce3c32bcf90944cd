import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { PriorityBadge } from '../../components/badges'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { ApiError } from '../../lib/api-client'
import type { Enquiry } from '../../lib/api-models'
import { formatDateTime, priorities, sourceLabels, sources } from '../../lib/enquiry-labels'
import { type PoolFilters, useClaim, usePool } from './api'
import { PoolFilterForm } from './pool-filters'

function filtersFrom(params: URLSearchParams): PoolFilters {
  const priority = priorities.find((value) => value === params.get('priority'))
  const source = sources.find((value) => value === params.get('source'))
  const sort = (['oldest', 'priority'] as const).find((value) => value === params.get('sort'))
  const courseInterest = params.get('course')?.slice(0, 100) || undefined
  const q = params.get('q')?.slice(0, 100) || undefined
  return {
    ...(priority ? { priority } : {}),
    ...(source ? { source } : {}),
    ...(courseInterest ? { courseInterest } : {}),
    ...(q ? { q } : {}),
    ...(sort ? { sort } : {}),
  }
}

function paramsFrom(filters: PoolFilters): Record<string, string> {
  const { courseInterest, ...rest } = filters
  return Object.fromEntries(
    Object.entries({ ...rest, course: courseInterest }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  )
}

type ClaimOutcome =
  | { kind: 'claimed'; enquiry: Pick<Enquiry, '_id' | 'name'> }
  | { kind: 'failed'; name: string; message: string }

function claimFailure(error: unknown, name: string): string {
  if (error instanceof ApiError && error.status === 409) {
    return error.message === 'Enquiry has already been claimed'
      ? `Someone else claimed ${name}'s enquiry first. It has been removed from the pool.`
      : error.message
  }
  if (error instanceof ApiError && error.status === 404) {
    return `${name}'s enquiry no longer exists. It has been removed from the pool.`
  }
  return error instanceof Error ? error.message : 'The enquiry could not be claimed'
}

export function PoolPage() {
  const [params, setParams] = useSearchParams()
  const filters = filtersFrom(params)
  // The cursors of the pages before this one: "Previous page" pops one.
  const [trail, setTrail] = useState<{ filters: string; cursors: string[] }>({
    filters: '',
    cursors: [],
  })
  const filterKey = params.toString()
  const cursors = trail.filters === filterKey ? trail.cursors : []
  const cursor = cursors.at(-1)
  const pool = usePool(filters, cursor)
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
  const pageNumber = cursors.length + 1
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
      <PoolFilterForm filters={filters} onApply={(next) => setParams(paramsFrom(next))} />
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
        <div className="table-wrap" aria-busy={pool.isPlaceholderData}>
          <table className="responsive-table">
            <caption className="visually-hidden">
              Unclaimed enquiries, page {pageNumber} of {Math.max(list.pages, 1)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Course</th>
                <th scope="col">Priority</th>
                <th scope="col">Source</th>
                <th scope="col">Received</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((enquiry) => {
                const claiming = claim.isPending && claim.variables === enquiry._id
                return (
                  <tr key={enquiry._id}>
                    <th scope="row" data-label="Name">
                      <Link to={`/enquiries/${enquiry._id}`}>{enquiry.name}</Link>
                      {enquiry.message && <p className="row-message">{enquiry.message}</p>}
                    </th>
                    <td data-label="Course">{enquiry.courseInterest}</td>
                    <td data-label="Priority">
                      <PriorityBadge priority={enquiry.priority} />
                    </td>
                    <td data-label="Source">{sourceLabels[enquiry.source]}</td>
                    <td data-label="Received">
                      <time dateTime={enquiry.createdAt}>{formatDateTime(enquiry.createdAt)}</time>
                    </td>
                    <td className="row-action">
                      <button
                        type="button"
                        onClick={() => claimRow(enquiry)}
                        disabled={claiming}
                        aria-label={`Claim ${enquiry.name}'s enquiry`}
                      >
                        {claiming ? 'Claiming…' : 'Claim'}
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {list && (cursors.length > 0 || list.nextCursor) && (
        <nav className="pager" aria-label="Pool pages">
          <button
            type="button"
            className="button-secondary"
            disabled={cursors.length === 0}
            onClick={() => setTrail({ filters: filterKey, cursors: cursors.slice(0, -1) })}
          >
            Previous page
          </button>
          <span>
            Page {pageNumber} of {Math.max(list.pages, 1)}
          </span>
          <button
            type="button"
            className="button-secondary"
            disabled={!list.nextCursor || pool.isPlaceholderData}
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
