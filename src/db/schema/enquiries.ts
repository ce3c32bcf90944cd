import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn, timestamps } from './columns.js'
import { type EmployeeRef, employees } from './employees.js'

export const enquiryStatuses = ['unclaimed', 'claimed', 'contacted', 'converted', 'lost'] as const
/** Statuses of a lead someone is still working: these absorb a resubmitted form. */
export const openStatuses = ['unclaimed', 'claimed', 'contacted'] as const
/** Open and held by an employee: what counts as their open leads (and what a deactivation releases). */
export const heldStatuses = ['claimed', 'contacted'] as const
export const enquirySources = [
  'website',
  'referral',
  'social_media',
  'email',
  'phone',
  'walk_in',
  'event',
  'advertisement',
  'other',
] as const
// Declared low → high, so ORDER BY and GREATEST() rank priorities correctly.
export const enquiryPriorities = ['low', 'medium', 'high'] as const
export const activityTypes = [
  'created',
  'resubmitted',
  'claimed',
  'status_changed',
  'note_added',
  'released',
  'assigned',
  'erased',
  // Routing: the first matching rule found nobody eligible, so the lead waits in the pool.
  'left_in_pool',
  // First-contact SLA: the deadline is near, or passed without a first contact.
  'sla_warning',
  'sla_breached',
  // Follow-ups: one was set (or cleared), or has fallen due.
  'follow_up_set',
  'follow_up_due',
] as const

export const enquiryStatus = pgEnum('enquiry_status', enquiryStatuses)
export const enquirySource = pgEnum('enquiry_source', enquirySources)
export const enquiryPriority = pgEnum('enquiry_priority', enquiryPriorities)
export const activityType = pgEnum('activity_type', activityTypes)

/**
 * What `q` searches: name, email and phone, lower-cased, one per line. A trigram index over it
 * answers substring searches; the listing writes this very expression so the planner matches it.
 */
export const searchTextOf = (columns: {
  name: AnyPgColumn
  email: AnyPgColumn
  phone: AnyPgColumn
}) => sql`lower(${columns.name} || E'\\n' || ${columns.email} || E'\\n' || ${columns.phone})`

export const enquiries = pgTable(
  'enquiries',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    name: varchar('name', { length: 100 }).notNull(),
    email: varchar('email', { length: 254 }).notNull(),
    phone: varchar('phone', { length: 40 }).notNull(),
    // Phones are compared by their digits: "+1 (555) 010-0000" and "15550100000" are one person.
    phoneDigits: varchar('phone_digits', { length: 40 })
      .notNull()
      .generatedAlwaysAs(sql`regexp_replace(phone, '[^0-9]', '', 'g')`),
    courseInterest: varchar('course_interest', { length: 100 }).notNull(),
    message: text('message'),
    status: enquiryStatus('status').notNull().default('unclaimed'),
    source: enquirySource('source').notNull().default('website'),
    priority: enquiryPriority('priority').notNull().default('medium'),
    claimedBy: objectIdColumn('claimed_by').references(() => employees.id),
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date', precision: 3 }),
    // Set when the person's data was erased (modules/privacy): name, email, phone and message
    // then hold ERASED_MARKER, and the row no longer stands for a person.
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date', precision: 3 }),
    // First-contact SLA, set when the lead gets an owner while the SLA is on: when the owner must
    // have contacted them by, when to warn, when they did (its first status change away from
    // claimed), and when the deadline passed without it.
    firstContactDueAt: timestamp('first_contact_due_at', {
      withTimezone: true,
      mode: 'date',
      precision: 3,
    }),
    firstContactWarnAt: timestamp('first_contact_warn_at', {
      withTimezone: true,
      mode: 'date',
      precision: 3,
    }),
    firstContactedAt: timestamp('first_contacted_at', {
      withTimezone: true,
      mode: 'date',
      precision: 3,
    }),
    firstContactBreachedAt: timestamp('first_contact_breached_at', {
      withTimezone: true,
      mode: 'date',
      precision: 3,
    }),
    followUpAt: timestamp('follow_up_at', { withTimezone: true, mode: 'date', precision: 3 }),
    followUpNote: varchar('follow_up_note', { length: 500 }),
    ...timestamps,
  },
  (table) => [
    check(
      'enquiries_owner_matches_status',
      sql`(${table.status} = 'unclaimed') = (${table.claimedBy} IS NULL)`,
    ),
    // One open lead per person: a resubmitted form joins the open lead instead of duplicating it.
    // Erased leads stand for nobody (they all hold the same marker), so they are left out.
    uniqueIndex('enquiries_open_email_key')
      .on(table.email)
      .where(
        sql`${table.status} IN ('unclaimed', 'claimed', 'contacted') AND ${table.erasedAt} IS NULL`,
      ),
    uniqueIndex('enquiries_open_phone_key')
      .on(table.phoneDigits)
      .where(
        sql`${table.status} IN ('unclaimed', 'claimed', 'contacted') AND ${table.erasedAt} IS NULL`,
      ),
    // The pool, in each of its orders. The pool's other filters follow the order's columns, so
    // that any combination of them is checked in the index, without visiting rows; its totals
    // come from enquiry_pool_counts.
    index('enquiries_pool_created_idx')
      .on(table.createdAt, table.id, table.priority, table.source, table.courseInterest)
      .where(sql`${table.status} = 'unclaimed'`),
    index('enquiries_pool_priority_idx')
      .on(
        table.priority.desc().nullsFirst(),
        table.createdAt,
        table.id,
        table.source,
        table.courseInterest,
      )
      .where(sql`${table.status} = 'unclaimed'`),
    index('enquiries_owner_idx').on(table.claimedBy, table.claimedAt, table.id),
    index('enquiries_created_idx').on(table.createdAt, table.id),
    index('enquiries_follow_up_idx')
      .on(table.claimedBy, table.followUpAt, table.id)
      .where(sql`${table.followUpAt} IS NOT NULL`),
    // Substring search (pg_trgm): one index over the pool, whose searches then visit only the
    // pool's rows, and one over the rest. Each enquiry is in one of them, so a new enquiry costs
    // one trigram index entry; a search of every enquiry reads both.
    index('enquiries_pool_search_idx')
      .using('gin', sql`${searchTextOf(table)} gin_trgm_ops`)
      .where(sql`${table.status} = 'unclaimed'`),
    index('enquiries_worked_search_idx')
      .using('gin', sql`${searchTextOf(table)} gin_trgm_ops`)
      .where(sql`${table.status} <> 'unclaimed'`),
  ],
)

/*
 * Totals without counting rows: counters kept by statement triggers in the transaction of every
 * change (drizzle/0007). Every enquiry is counted once: in enquiry_pool_counts while unclaimed,
 * else in enquiry_owner_counts (an unclaimed enquiry has no owner, any other has one). Each
 * connection writes its own shard, so concurrent writers seldom wait on one row; a total is the
 * sum of the rows that match, shards included.
 */

/** The pool by course, priority and source: any combination of the pool's filters, totalled. */
export const enquiryPoolCounts = pgTable(
  'enquiry_pool_counts',
  {
    courseInterest: varchar('course_interest', { length: 100 }).notNull(),
    priority: enquiryPriority('priority').notNull(),
    source: enquirySource('source').notNull(),
    shard: smallint('shard').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.courseInterest, table.priority, table.source, table.shard] }),
  ],
)

/** Every other enquiry by owner and status: my-enquiries, the admin list by owner or by status. */
export const enquiryOwnerCounts = pgTable(
  'enquiry_owner_counts',
  {
    claimedBy: objectIdColumn('claimed_by').notNull(),
    status: enquiryStatus('status').notNull(),
    shard: smallint('shard').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.claimedBy, table.status, table.shard] })],
)

export const notes = pgTable(
  'notes',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    enquiryId: objectIdColumn('enquiry_id')
      .notNull()
      .references(() => enquiries.id, { onDelete: 'cascade' }),
    text: varchar('text', { length: 2000 }).notNull(),
    addedBy: objectIdColumn('added_by').references(() => employees.id),
    addedAt: timestamp('added_at', { withTimezone: true, mode: 'date', precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [index('notes_enquiry_idx').on(table.enquiryId, table.addedAt)],
)

/** What an activity entry records besides its type, actor and time. */
export interface ActivityDetails {
  from?: string
  to?: string
  message?: string | null
  courseInterest?: string
  priority?: string
  noteId?: string
  employee?: EmployeeRef
  previousOwner?: EmployeeRef | null
  reason?: string
  /** SLA breach: what was done about it (notify, release, reassign). */
  action?: string
  /** Routing: the rule that decided and how. */
  rule?: { _id: string; name: string }
  strategy?: string
  /** An admin assigned beyond the employee's cap: how many they held, and the cap. */
  overCapacity?: { openLeads: number; maxOpenLeads: number }
  /** SLA: the deadline concerned; follow-ups: when, and the note. */
  dueAt?: string
  followUpAt?: string | null
  note?: string | null
}

/** Activity details that hold what the person wrote: erasure replaces them (modules/privacy). */
export const personalActivityDetails = [
  'message',
  'note',
] as const satisfies (keyof ActivityDetails)[]

export const activity = pgTable(
  'activity',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    enquiryId: objectIdColumn('enquiry_id')
      .notNull()
      .references(() => enquiries.id, { onDelete: 'cascade' }),
    type: activityType('type').notNull(),
    actorId: objectIdColumn('actor_id').references(() => employees.id),
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    details: jsonb('details').$type<ActivityDetails>().notNull().default({}),
  },
  (table) => [index('activity_enquiry_idx').on(table.enquiryId, table.at)],
)

export type EnquiryRow = typeof enquiries.$inferSelect
export type EnquiryStatus = (typeof enquiryStatuses)[number]
export type EnquirySource = (typeof enquirySources)[number]
export type EnquiryPriority = (typeof enquiryPriorities)[number]
export type ActivityType = (typeof activityTypes)[number]
