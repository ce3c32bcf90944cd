import { Link, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { PriorityBadge, StatusBadge } from '../../components/badges'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { formatDateTime, statusLabels } from '../../lib/enquiry-labels'
import { type OwnStatus, useMyEnquiries } from './api'

const tabs: (OwnStatus | undefined)[] = [undefined, 'claimed', 'contacted', 'converted', 'lost']

export function MyEnquiriesPage() {
  const [params, setParams] = useSearchParams()
  const status = tabs.find((value) => value !== undefined && value === params.get('status'))
  const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1)
  const enquiries = useMyEnquiries(status, page)
  const list = enquiries.data
  const goTo = (next: number) =>
    setParams({ ...(status ? { status } : {}), ...(next > 1 ? { page: String(next) } : {}) })

  return (
    <Page title="My enquiries" aside={list && <p className="count">{list.total} in this view</p>}>
      <nav aria-label="Filter by status" className="tabs">
        <ul>
          {tabs.map((value) => (
            <li key={value ?? 'all'}>
              <Link
                to={value ? `?status=${value}` : '?'}
                aria-current={value === status ? 'page' : undefined}
              >
                {value ? statusLabels[value] : 'All'}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {enquiries.error && <Alert tone="error">{enquiries.error.message}</Alert>}
      {enquiries.isPending && <Loading label="Loading your enquiries…" />}
      {list && list.data.length === 0 && (
        <p className="empty">
          No enquiries here yet. <Link to="/pool">Claim one from the pool</Link>.
        </p>
      )}
      {list && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="responsive-table">
            <caption className="visually-hidden">
              Your {status ? statusLabels[status].toLowerCase() : ''} enquiries
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Course</th>
                <th scope="col">Status</th>
                <th scope="col">Priority</th>
                <th scope="col">Claimed</th>
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
                  <td data-label="Claimed">
                    {enquiry.claimedAt ? formatDateTime(enquiry.claimedAt) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.pages > 1 && (
        <nav className="pager" aria-label="Pages of your enquiries">
          <button
            type="button"
            className="button-secondary"
            disabled={page <= 1}
            onClick={() => goTo(page - 1)}
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
            onClick={() => goTo(page + 1)}
          >
            Next page
          </button>
        </nav>
      )}
    </Page>
  )
}
