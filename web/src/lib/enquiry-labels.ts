import type { EnquiryStatus, Priority, SlaState, Source } from './api-models'

export const statusLabels = {
  unclaimed: 'Unclaimed',
  claimed: 'Claimed',
  contacted: 'Contacted',
  converted: 'Converted',
  lost: 'Lost',
} as const satisfies Record<EnquiryStatus, string>

export const priorityLabels = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
} as const satisfies Record<Priority, string>

export const sourceLabels = {
  website: 'Website',
  referral: 'Referral',
  social_media: 'Social media',
  email: 'Email',
  phone: 'Phone',
  walk_in: 'Walk-in',
  event: 'Event',
  advertisement: 'Advertisement',
  other: 'Other',
} as const satisfies Record<Source, string>

/** First contact against its deadline, in words: the badge's colour only repeats them. */
export const slaLabels = {
  on_track: 'On track',
  due_soon: 'Due soon',
  breached: 'Breached',
  met: 'Met',
} as const satisfies Record<SlaState, string>

export const sortLabels = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  priority: 'Highest priority first',
} as const

export const priorities = Object.keys(priorityLabels) as Priority[]
export const sources = Object.keys(sourceLabels) as Source[]

/** A select's options from a label map, in its order: `[value, label]` pairs. */
export const optionsOf = <Value extends string>(labels: Record<Value, string>) =>
  Object.entries(labels) as [Value, string][]

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso))
