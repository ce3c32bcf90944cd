import { ObjectId } from 'bson'
import { sql } from 'drizzle-orm'
import { char, timestamp } from 'drizzle-orm/pg-core'

/** Ids are MongoDB ObjectIds as 24 lowercase hex characters, so the original system's ids keep working. */
export const objectId = (): string => new ObjectId().toHexString()

export const objectIdColumn = (name: string) => char(name, { length: 24 })

export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 })
    .notNull()
    .defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 })
    .notNull()
    .defaultNow()
    // The database's clock, as every other timestamp: never the application server's.
    .$onUpdate(() => sql`now()`),
}
