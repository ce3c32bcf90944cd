/** Every outbound event type (webhooks subscribe to these, or to `*`). */
export const eventTypes = [
  'enquiry.created',
  'enquiry.resubmitted',
  'enquiry.claimed',
  'enquiry.assigned',
  'enquiry.released',
  'enquiry.status_changed',
  'enquiry.note_added',
  'enquiry.sla_breached',
  'enquiry.follow_up_due',
  'employee.deactivated',
] as const
export type EventType = (typeof eventTypes)[number]

/** Sent only by POST /api/webhooks/:id/test. */
export const TEST_EVENT_TYPE = 'webhook.test'

/**
 * The activity log's entry types as events: a new activity type becomes an event with one line
 * here. Keyed by name, not by today's enum, so entries other modules add later (routing, SLA,
 * follow-ups) map as soon as they exist; a type without a line here is not an event.
 */
const EVENT_OF_ACTIVITY: Readonly<Record<string, EventType>> = {
  created: 'enquiry.created',
  resubmitted: 'enquiry.resubmitted',
  claimed: 'enquiry.claimed',
  assigned: 'enquiry.assigned',
  released: 'enquiry.released',
  status_changed: 'enquiry.status_changed',
  note_added: 'enquiry.note_added',
  sla_breached: 'enquiry.sla_breached',
  follow_up_due: 'enquiry.follow_up_due',
}

export const eventTypeOfActivity = (activityType: string): EventType | undefined =>
  Object.hasOwn(EVENT_OF_ACTIVITY, activityType) ? EVENT_OF_ACTIVITY[activityType] : undefined

/** An event as the outbox hands it to its consumers (webhooks, email). */
export interface OutboundEvent {
  id: string
  /** Undefined for activity entries that are not (yet) events; email may still care. */
  type: EventType | undefined
  /** The activity entry's type, for events from the activity log. */
  activityType: string | undefined
  enquiryId: string | null
  /** The employee an employee event is about. */
  employeeId: string | null
  actorId: string | null
  at: Date
  /** The activity entry's details (who was assigned, the previous owner…). */
  details: Record<string, unknown>
}
