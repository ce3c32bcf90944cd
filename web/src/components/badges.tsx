import type { EnquiryStatus, Priority } from '../lib/api-models'
import { priorityLabels, statusLabels } from '../lib/enquiry-labels'

export function StatusBadge({ status }: { status: EnquiryStatus }) {
  return <span className={`badge status-${status}`}>{statusLabels[status]}</span>
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`badge priority-${priority}`}>
      {priorityLabels[priority]}
      <span className="visually-hidden"> priority</span>
    </span>
  )
}
