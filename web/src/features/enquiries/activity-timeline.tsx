import type { Activity } from '../../lib/api-models'
import { formatDateTime, statusLabels } from '../../lib/enquiry-labels'

const statusName = (value: string | undefined): string =>
  value && value in statusLabels ? statusLabels[value as keyof typeof statusLabels] : (value ?? '?')

function describeActivity(entry: Activity): string {
  const by = entry.actor ? ` by ${entry.actor.name}` : ''
  switch (entry.type) {
    case 'created':
      return 'Submitted through the enquiry form'
    case 'resubmitted':
      return `Submitted again${entry.courseInterest ? ` (course: ${entry.courseInterest})` : ''}`
    case 'claimed':
      return `Claimed${by}`
    case 'status_changed':
      return `Status changed from ${statusName(entry.from)} to ${statusName(entry.to)}${by}`
    case 'note_added':
      return `Note added${by}`
    case 'released':
      return `Released to the pool${by}${entry.reason ? ` (${entry.reason})` : ''}`
    case 'assigned':
      return `Assigned to ${entry.employee?.name ?? 'an employee'}${by}${
        entry.rule ? ` by the rule “${entry.rule.name}” (${entry.reason ?? entry.strategy})` : ''
      }${entry.overCapacity ? ` beyond their cap of ${entry.overCapacity.maxOpenLeads}` : ''}`
    case 'erased':
      return `Personal data erased${by}${entry.reason ? ` (${entry.reason})` : ''}`
    case 'left_in_pool':
      return `Left in the pool by the rule “${entry.rule?.name ?? '?'}”: ${entry.reason ?? ''}`
    case 'sla_warning':
      return `First contact due soon${entry.dueAt ? ` (by ${formatDateTime(entry.dueAt)})` : ''}`
    case 'sla_breached':
      return `First-contact deadline missed${entry.employee ? ` by ${entry.employee.name}` : ''}`
    case 'follow_up_set':
      return entry.followUpAt
        ? `Follow-up set for ${formatDateTime(entry.followUpAt)}${by}${entry.note ? `: ${entry.note}` : ''}`
        : `Follow-up cleared${by}`
    case 'follow_up_due':
      return `Follow-up due${entry.note ? `: ${entry.note}` : ''}`
  }
}

export function ActivityTimeline({ activity }: { activity: Activity[] }) {
  if (activity.length === 0) return <p className="empty">No activity yet.</p>
  return (
    <ol className="timeline">
      {activity.map((entry, index) => (
        // Entries have no id; their order never changes, so the position identifies them.
        // biome-ignore lint/suspicious/noArrayIndexKey: append-only history
        <li key={index}>
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          <span>{describeActivity(entry)}</span>
          {entry.type === 'resubmitted' && entry.message && (
            <blockquote>{entry.message}</blockquote>
          )}
        </li>
      ))}
    </ol>
  )
}
