import { Link, useSearchParams } from 'react-router'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { firstContactColumn, summaryColumns, timeColumn } from '../../components/enquiry-columns'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { NumberedPager, pageFrom } from '../../components/pager'
import { useSession } from '../../lib/auth-store'
import { statusLabels } from '../../lib/enquiry-labels'
import { type OwnStatus, useMyEnquiries } from './api'
import { FollowUpsPanel } from './follow-ups-panel'

const tabs: (OwnStatus | undefined)[] = [undefined, 'claimed', 'contacted', 'converted', 'lost']

export function MyEnquiriesPage() {
  const [params, setParams] = useSearchParams()
  const status = tabs.find((value) => value !== undefined && value === params.get('status'))
  const page = pageFrom(params)
  const enquiries = useMyEnquiries(status, page)
  const employeeId = useSession()?.employee.id
  const list = enquiries.data
  const goTo = (next: number) =>
    setParams({ ...(status ? { status } : {}), ...(next > 1 ? { page: String(next) } : {}) })

  return (
    <Page title="My enquiries" aside={list && <p className="count">{list.total} in this view</p>}>
      {employeeId && <FollowUpsPanel employeeId={employeeId} />}
      <h2>Your enquiries</h2>
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
        <DataTable
          caption={`Your ${status ? statusLabels[status].toLowerCase() : ''} enquiries`}
          rows={list.data}
          columns={[
            ...summaryColumns(),
            firstContactColumn,
            timeColumn('Claimed', (enquiry) => enquiry.claimedAt),
          ]}
        />
      )}
      {list && (
        <NumberedPager label="Pages of your enquiries" page={page} pages={list.pages} goTo={goTo} />
      )}
    </Page>
  )
}
