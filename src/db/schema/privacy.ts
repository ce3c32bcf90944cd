import { boolean, index, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'
import { objectId, objectIdColumn } from './columns.js'
import { enquiries } from './enquiries.js'

/** What an erased enquiry's name, email, phone and message, and its notes' texts, hold instead. */
export const ERASED_MARKER = '[erased]'

/**
 * What a person agreed to on the public form, each time they sent it with a `consent` (the first
 * submission and every resubmission absorbed by the same lead), with the privacy notice's version
 * at that moment. No personal data of its own, so erasure keeps it.
 */
export const consents = pgTable(
  'consents',
  {
    id: objectIdColumn('id').primaryKey().$defaultFn(objectId),
    enquiryId: objectIdColumn('enquiry_id')
      .notNull()
      .references(() => enquiries.id, { onDelete: 'cascade' }),
    privacyNotice: boolean('privacy_notice').notNull(),
    marketing: boolean('marketing').notNull(),
    noticeVersion: varchar('notice_version', { length: 50 }),
    givenAt: timestamp('given_at', { withTimezone: true, mode: 'date', precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [index('consents_enquiry_idx').on(table.enquiryId, table.givenAt)],
)
