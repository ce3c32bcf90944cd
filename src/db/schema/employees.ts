import { sql } from 'drizzle-orm'
import {
  boolean,
  integer,
  pgEnum,
  pgTable,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn, timestamps } from './columns.js'

export const employeeRoles = ['counselor', 'admin'] as const
export const employeeRole = pgEnum('employee_role', employeeRoles)

export const employees = pgTable(
  'employees',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    name: varchar('name', { length: 100 }).notNull(),
    email: varchar('email', { length: 254 }).notNull(),
    passwordHash: varchar('password_hash', { length: 255 }).notNull(),
    role: employeeRole('role').notNull().default('counselor'),
    isActive: boolean('is_active').notNull().default(true),
    // Bumped to revoke every token issued before (password change, deactivation).
    tokenVersion: integer('token_version').notNull().default(0),
    lastLogin: timestamp('last_login', { withTimezone: true, mode: 'date', precision: 3 }),
    // Whether routing may give them new leads (a counselor away says false).
    available: boolean('available').notNull().default(true),
    // At most this many open (claimed or contacted) leads through claims and routing; null: no cap.
    maxOpenLeads: integer('max_open_leads'),
    /** The employee's choice: email notifications (PATCH /api/auth/me). */
    emailNotifications: boolean('email_notifications').notNull().default(true),
    ...timestamps,
  },
  (table) => [uniqueIndex('employees_email_lower_key').on(sql`lower(${table.email})`)],
)

export type EmployeeRow = typeof employees.$inferSelect
export type EmployeeRole = (typeof employeeRoles)[number]

/** An employee as records name them (an enquiry's owner, a note's author, an activity's actor). */
export interface EmployeeRef {
  _id: string
  name: string
  email: string
}

/** An employee as the application handles them: never the password hash. */
export type Employee = Omit<EmployeeRow, 'passwordHash' | 'updatedAt'>
