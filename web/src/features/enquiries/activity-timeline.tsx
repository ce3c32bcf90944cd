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
      return `Assigned to ${entry.employee?.name ?? 'an employee'}${by}`
    case 'erased':
      return `Personal data erased${by}${entry.reason ? ` (${entry.reason})` : ''}`
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
