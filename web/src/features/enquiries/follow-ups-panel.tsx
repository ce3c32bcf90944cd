import { Link } from 'react-router'
import { Alert } from '../../components/alert'
import { Loading } from '../../components/loading'
import type { Enquiry } from '../../lib/api-models'
import { formatDateTime } from '../../lib/enquiry-labels'
import { useFollowUps } from './api'

/**
 * The follow-ups that need doing: overdue ones, then the rest of today's, in the browser's time
 * zone. "Today" includes today's overdue ones, so those are shown once, as overdue.
 */
export function FollowUpsPanel({ employeeId }: { employeeId: string }) {
  const overdue = useFollowUps('overdue', employeeId)
  const today = useFollowUps('today', employeeId)
  const error = overdue.error ?? today.error
  const overdueIds = new Set(overdue.data?.data.map((enquiry) => enquiry._id))
  const laterToday = today.data?.data.filter((enquiry) => !overdueIds.has(enquiry._id))

  return (
    <section aria-labelledby="follow-ups-heading" className="card follow-ups">
      <h2 id="follow-ups-heading">Follow-ups</h2>
      {error && <Alert tone="error">{error.message}</Alert>}
      {(overdue.isPending || today.isPending) && !error && (
        <Loading label="Loading your follow-ups…" />
      )}
      {overdue.data && laterToday && (
        <>
          <FollowUpList
            title="Overdue"
            enquiries={overdue.data.data}
            total={overdue.data.total}
            empty="Nothing overdue."
          />
          <FollowUpList
            title="Due today"
            enquiries={laterToday}
            // Today's total counts today's overdue ones too: those are listed above.
            total={(today.data?.total ?? 0) - ((today.data?.data.length ?? 0) - laterToday.length)}
            empty="Nothing else due today."
          />
        </>
      )}
    </section>
  )
}

interface FollowUpListProps {
  title: string
  enquiries: Enquiry[]
  total: number
  empty: string
}

function FollowUpList({ title, enquiries, total, empty }: FollowUpListProps) {
  return (
    <>
      <h3>
        {title} <span className="count">({total})</span>
      </h3>
      {enquiries.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className="follow-up-list" aria-label={title}>
          {enquiries.map((enquiry) => (
            <li key={enquiry._id}>
              <Link to={`/enquiries/${enquiry._id}`}>{enquiry.name}</Link>{' '}
              {enquiry.followUpAt && (
                <time dateTime={enquiry.followUpAt}>{formatDateTime(enquiry.followUpAt)}</time>
              )}
              {enquiry.followUpNote && <span className="note-meta"> {enquiry.followUpNote}</span>}
            </li>
          ))}
        </ul>
      )}
      {total > enquiries.length && (
        <p className="note-meta">
          Showing the first {enquiries.length} of {total}.
        </p>
      )}
    </>
  )
}
