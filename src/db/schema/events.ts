import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn, timestamps } from './columns.js'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 })

/**
 * The outbox of outbound events: a row per event, written in the transaction of the change. Every
 * activity entry gets one from a trigger (drizzle/0008), so no code path that logs activity can
 * forget it; events without an activity entry (an employee deactivated) are inserted directly.
 * The dispatcher turns rows into delivery and mail jobs and deletes them, in one transaction.
 */
export const eventOutbox = pgTable('event_outbox', {
  seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  /** The event's id: the activity entry's id, or a fresh one. */
  eventId: objectIdColumn('event_id').notNull().$defaultFn(objectId),
  /** Set for events from the activity log; their type comes from the entry. */
  activityId: objectIdColumn('activity_id'),
  /** Set for events without an activity entry. */
  eventType: varchar('event_type', { length: 64 }),
  employeeId: objectIdColumn('employee_id'),
  actorId: objectIdColumn('actor_id'),
  at: at('at').notNull().defaultNow(),
})

export const webhooks = pgTable('webhooks', {
  id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
  url: varchar('url', { length: 2048 }).notNull(),
  description: varchar('description', { length: 500 }),
  /** Event types, or ['*'] for every one. */
  events: jsonb('events').$type<string[]>().notNull(),
  active: boolean('active').notNull().default(true),
  /** `whsec_…`: needed in clear to sign; never returned after creation or rotation. */
  secret: varchar('secret', { length: 100 }).notNull(),
  /** Why the endpoint was switched off by the system (a 410), if it was. */
  disabledReason: varchar('disabled_reason', { length: 200 }),
  ...timestamps,
})

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const
export const deliveryStatus = pgEnum('webhook_delivery_status', deliveryStatuses)

/**
 * One event for one endpoint, with its last attempt. Only references are stored: the payload is
 * built when an attempt runs, so erasing an enquiry's personal data leaves none here to erase.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    webhookId: objectIdColumn('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: objectIdColumn('event_id').notNull(),
    eventType: varchar('event_type', { length: 64 }).notNull(),
    eventAt: at('event_at').notNull(),
    enquiryId: objectIdColumn('enquiry_id'),
    employeeId: objectIdColumn('employee_id'),
    actorId: objectIdColumn('actor_id'),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastDurationMs: integer('last_duration_ms'),
    lastError: varchar('last_error', { length: 500 }),
    /** The receiver's response body, cut to 1 KB. */
    responseBody: text('response_body'),
    nextAttemptAt: at('next_attempt_at'),
    ...timestamps,
  },
  (table) => [index('webhook_deliveries_webhook_idx').on(table.webhookId, table.id.desc())],
)

export type WebhookRow = typeof webhooks.$inferSelect
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect
export type DeliveryStatus = (typeof deliveryStatuses)[number]
