import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  varchar,
} from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn, timestamps } from './columns.js'
import { employees } from './employees.js'
import type { EnquiryPriority, EnquirySource } from './enquiries.js'

export const routingStrategies = ['round_robin', 'least_loaded', 'pool'] as const
export const routingStrategy = pgEnum('routing_strategy', routingStrategies)

/** Which new enquiries a rule takes: an empty or missing list matches anything. */
export interface RoutingMatch {
  sources?: EnquirySource[]
  priorities?: EnquiryPriority[]
  /** Compared case-insensitively with the enquiry's course. */
  courses?: string[]
}

/** Routing rules (admin): the first active rule by position whose match fits a new enquiry decides. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    name: varchar('name', { length: 100 }).notNull(),
    position: integer('position').notNull(),
    active: boolean('active').notNull().default(true),
    match: jsonb('match').$type<RoutingMatch>().notNull().default({}),
    strategy: routingStrategy('strategy').notNull(),
    counselorIds: objectIdColumn('counselor_ids').array().notNull().default(sql`'{}'`),
    // least_loaded's pointer: the counselor this rule chose last (ties go to the next), moved in the
    // transaction of the assignment under the rule's row lock. round_robin rules count their turns
    // with a sequence of their own instead (drizzle/0012), which no routing waits for.
    lastAssignedId: objectIdColumn('last_assigned_id').references(() => employees.id, {
      onDelete: 'set null',
    }),
    ...timestamps,
  },
  (table) => [index('routing_rules_position_idx').on(table.position, table.id)],
)

export type RoutingRuleRow = typeof routingRules.$inferSelect
export type RoutingStrategy = (typeof routingStrategies)[number]

/**
 * One row, whose version moves on with every change that could alter whom a round-robin rule may
 * choose (triggers in drizzle/0013: employees' activity, availability, role and cap; rules' name,
 * activity, strategy and counselors). An instance routes from a roster it cached only while the
 * version is still the one it read the roster with.
 */
export const routingRosterVersion = pgTable(
  'routing_roster_version',
  {
    id: smallint('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (table) => [check('routing_roster_version_one_row', sql`${table.id} = 1`)],
)
