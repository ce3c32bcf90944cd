import { jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'

/** Team-wide settings an admin changes at run time (the first-contact SLA), one row per key. */
export const appSettings = pgTable('app_settings', {
  key: varchar('key', { length: 50 }).primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 })
    .notNull()
    .defaultNow(),
})
