import { Link } from 'react-router'
import type { Enquiry } from '../lib/api-models'
import { formatDateTime } from '../lib/enquiry-labels'
import { FirstContact, PriorityBadge, StatusBadge } from './badges'
import type { Column } from './data-table'

/** The columns the lists of enquiries share, for a DataTable. */

export const nameColumn = ({ withMessage = false } = {}): Column<Enquiry> => ({
  header: 'Name',
  rowHeader: true,
  cell: (enquiry) => (
    <>
      <Link to={`/enquiries/${enquiry._id}`}>{enquiry.name}</Link>
      {withMessage && enquiry.message && <p className="row-message">{enquiry.message}</p>}
    </>
  ),
})

export const courseColumn: Column<Enquiry> = {
  header: 'Course',
  cell: (enquiry) => enquiry.courseInterest,
}

const statusColumn: Column<Enquiry> = {
  header: 'Status',
  cell: (enquiry) => <StatusBadge status={enquiry.status} />,
}

export const priorityColumn: Column<Enquiry> = {
  header: 'Priority',
  cell: (enquiry) => <PriorityBadge priority={enquiry.priority} />,
}

/** The first-contact SLA: its state and deadline, empty for a lead without one. */
export const firstContactColumn: Column<Enquiry> = {
  header: 'First contact',
  cell: (enquiry) => <FirstContact enquiry={enquiry} />,
}

/** Who, what, where it stands and how urgent: the lists of enquiries a counselor works start so. */
export const summaryColumns = (): Column<Enquiry>[] => [
  nameColumn(),
  courseColumn,
  statusColumn,
  priorityColumn,
]

export const timeColumn = (
  header: string,
  at: (enquiry: Enquiry) => string | null,
): Column<Enquiry> => ({
  header,
  cell: (enquiry) => {
    const iso = at(enquiry)
    return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : '—'
  },
})
