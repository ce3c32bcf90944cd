import type { Delivery, SubscribableEvent } from './api'

/**
 * The event catalogue (docs/webhooks.md) in words. Typed by the API's own list, so an event type
 * the API adds fails the type check until it is described here.
 */
export const eventDescriptions = {
  'enquiry.created': 'the public form created an enquiry',
  'enquiry.resubmitted': 'the form was sent again for an open enquiry',
  'enquiry.claimed': 'a counselor claimed an enquiry from the pool',
  'enquiry.assigned': 'an admin or routing gave an enquiry to an employee',
  'enquiry.released': 'an enquiry went back to the pool',
  'enquiry.status_changed': 'an enquiry was contacted, converted, lost or reopened',
  'enquiry.note_added': 'a note was added to an enquiry',
  'enquiry.sla_breached': 'a lead missed its first-contact deadline',
  'enquiry.follow_up_due': 'a follow-up fell due',
  'employee.deactivated': 'an admin deactivated an employee',
} as const satisfies Record<SubscribableEvent, string>

export const subscribableEvents = Object.keys(eventDescriptions) as SubscribableEvent[]

export const isSubscribableEvent = (type: string): type is SubscribableEvent =>
  Object.hasOwn(eventDescriptions, type)

/** What an endpoint subscribes to, in a line. */
export const describeEvents = (events: readonly string[]): string =>
  events.includes('*') ? 'All events' : events.join(', ')

export const deliveryStateLabels = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Failed',
} as const satisfies Record<Delivery['status'], string>
