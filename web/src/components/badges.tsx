import type { Enquiry, EnquiryStatus, Priority, SlaState } from '../lib/api-models'
import { formatDateTime, priorityLabels, slaLabels, statusLabels } from '../lib/enquiry-labels'

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

/** Breached and due soon carry a sign as well as a colour; the words say it all on their own. */
const slaSigns: Partial<Record<SlaState, string>> = { breached: '!', due_soon: '⏱' }

export function SlaBadge({ sla }: { sla: SlaState }) {
  const sign = slaSigns[sla]
  return (
    <span className={`badge sla-${sla}`}>
      {sign && <span aria-hidden="true">{sign} </span>}
      {slaLabels[sla]}
    </span>
  )
}

/**
 * A lead's first contact against its deadline: the state and when it is (or was) due. Nothing for
 * a lead without a clock (the SLA is off, or it has no owner).
 */
export function FirstContact({
  enquiry,
}: {
  enquiry: Pick<Enquiry, 'sla' | 'firstContactDueAt' | 'firstContactedAt'>
}) {
  const { sla, firstContactDueAt: dueAt, firstContactedAt: contactedAt } = enquiry
  if (sla === null) return null
  return (
    <span className="first-contact">
      <SlaBadge sla={sla} />
      {dueAt && (
        <span>
          {' '}
          due <time dateTime={dueAt}>{formatDateTime(dueAt)}</time>
        </span>
      )}
      {contactedAt && (
        <span>
          , contacted <time dateTime={contactedAt}>{formatDateTime(contactedAt)}</time>
        </span>
      )}
    </span>
  )
}
