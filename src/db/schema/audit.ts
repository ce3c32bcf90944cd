import { index, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn } from './columns.js'
import { employees } from './employees.js'

/**
 * What the audit log records. A plain column, not a database enum, so that a module adding an
 * action (routing rules, SLA settings) adds a name here and needs no migration.
 */
export const auditActions = [
  'enquiries.exported',
  'privacy.subject_accessed',
  'privacy.subject_erased',
  'privacy.retention_erased',
  'routing_rule.created',
  'routing_rule.updated',
  'routing_rule.deleted',
  'sla_settings.changed',
  'employee.role_changed',
  'employee.deactivated',
  'employee.reactivated',
] as const
export type AuditAction = (typeof auditActions)[number]

/**
 * Who did what, when: append-only. No route changes or deletes an entry, and a trigger
 * (drizzle/0008) refuses UPDATE and DELETE to anyone going round the API. Details never hold a
 * prospect's email, phone or search text, so that an erasure leaves nothing of them here.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    action: varchar('action', { length: 64 }).$type<AuditAction>().notNull(),
    // NULL: the system itself (a command-line tool, a scheduled job).
    actorId: objectIdColumn('actor_id').references(() => employees.id),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index('audit_log_at_idx').on(table.at.desc(), table.id.desc()),
    index('audit_log_action_idx').on(table.action, table.at.desc(), table.id.desc()),
    index('audit_log_actor_idx').on(table.actorId, table.at.desc(), table.id.desc()),
  ],
)
