import type { EnquiryStatus, Priority, Source } from './api-models'

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

export const priorities = Object.keys(priorityLabels) as Priority[]
export const sources = Object.keys(sourceLabels) as Source[]

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso))
