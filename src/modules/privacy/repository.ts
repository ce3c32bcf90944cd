import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import {
  activity,
  consents,
  ERASED_MARKER,
  enquiries,
  notes,
  personalActivityDetails,
  webhookDeliveries,
} from '../../db/schema/index.js'

/**
 * A person's records across the enquiries' tables. The enquiries module writes them; this module
 * finds a person in them and erases them, so the SQL that anonymises lives here, in one place.
 */

/** How a person is looked up: by email, or by phone compared by its digits (as the duplicate check). */
export type SubjectLookup = { email: string } | { phone: string }

const matchesSubject = (lookup: SubjectLookup): SQL =>
  'email' in lookup
    ? eq(enquiries.email, lookup.email)
    : sql`${enquiries.phoneDigits} = regexp_replace(${lookup.phone}, '[^0-9]', '', 'g')`

/** The ids of every enquiry that holds this person's email or phone, oldest first. */
export async function findSubjectEnquiryIds(db: Db, lookup: SubjectLookup): Promise<string[]> {
  const rows = await db
    .select({ id: enquiries.id })
    .from(enquiries)
    .where(and(matchesSubject(lookup), isNull(enquiries.erasedAt)))
    .orderBy(asc(enquiries.createdAt), asc(enquiries.id))
  return rows.map((row) => row.id)
}

export interface ConsentRecord {
  enquiryId: string
  privacyNotice: boolean
  marketing: boolean
  noticeVersion: string | null
  givenAt: Date
}

export async function findConsents(db: Db, enquiryIds: string[]): Promise<ConsentRecord[]> {
  if (enquiryIds.length === 0) return []
  return db
    .select({
      enquiryId: consents.enquiryId,
      privacyNotice: consents.privacyNotice,
      marketing: consents.marketing,
      noticeVersion: consents.noticeVersion,
      givenAt: consents.givenAt,
    })
    .from(consents)
    .where(inArray(consents.enquiryId, enquiryIds))
    .orderBy(asc(consents.givenAt), asc(consents.id))
}

/**
 * Of these enquiries, those not erased yet, their rows locked until the transaction ends: a
 * concurrent erasure of the same ones waits, then finds nothing left.
 */
export async function lockUnerased(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db
    .select({ id: enquiries.id })
    .from(enquiries)
    .where(and(inArray(enquiries.id, ids), isNull(enquiries.erasedAt)))
    .orderBy(asc(enquiries.id))
    .for('update')
  return rows.map((row) => row.id)
}

/**
 * Replaces what identifies the person with the marker, in the enquiries, their notes and their
 * activity details; the phone's digits (a generated column) and the search indexes' expression
 * follow from the marker. Status, source, course, priority, owner and every date stay, so counts
 * and funnels do not move.
 */
export async function anonymiseEnquiries(db: Db, ids: string[]): Promise<void> {
  await db
    .update(enquiries)
    .set({
      name: ERASED_MARKER,
      email: ERASED_MARKER,
      phone: ERASED_MARKER,
      message: sql`CASE WHEN ${enquiries.message} IS NULL THEN NULL ELSE ${ERASED_MARKER} END`,
      followUpNote: sql`CASE WHEN ${enquiries.followUpNote} IS NULL THEN NULL ELSE ${ERASED_MARKER} END`,
      erasedAt: sql`now()`,
      // Kept as it was: an erasure is not a change of the lead (and would reorder lists).
      updatedAt: sql`${enquiries.updatedAt}`,
    })
    .where(inArray(enquiries.id, ids))
  await db.update(notes).set({ text: ERASED_MARKER }).where(inArray(notes.enquiryId, ids))
  // A receiver's answer may echo the payload back: the delivery log keeps no copy of it.
  await db
    .update(webhookDeliveries)
    .set({ responseBody: null })
    .where(inArray(webhookDeliveries.enquiryId, ids))
  for (const key of personalActivityDetails) {
    await db
      .update(activity)
      .set({
        details: sql`${activity.details} || jsonb_build_object(${key}::text, ${ERASED_MARKER}::text)`,
      })
      .where(
        and(
          inArray(activity.enquiryId, ids),
          sql`jsonb_typeof(${activity.details} -> ${key}::text) = 'string'`,
        ),
      )
  }
}

/** One `erased` activity entry per enquiry, naming who erased it (null: the system) and why. */
export async function recordErasures(
  db: Db,
  ids: string[],
  actorId: string | null,
  reason: string,
): Promise<void> {
  if (ids.length === 0) return
  await db.insert(activity).values(
    ids.map((enquiryId) => ({
      enquiryId,
      type: 'erased' as const,
      actorId,
      details: { reason },
    })),
  )
}

/**
 * Up to `limit` enquiries, not yet erased, that were converted or lost before `cutoff`: closed at
 * their last status change (converted and lost are final), or, for imported ones with no such
 * entry, at their last update.
 */
export async function findClosedBefore(db: Db, cutoff: Date, limit: number): Promise<string[]> {
  const closedAt = sql`coalesce((
    SELECT max(${activity.at}) FROM ${activity}
    WHERE ${activity.enquiryId} = ${enquiries.id} AND ${activity.type} = 'status_changed'
  ), ${enquiries.updatedAt})`
  const rows = await db
    .select({ id: enquiries.id })
    .from(enquiries)
    .where(
      and(
        inArray(enquiries.status, ['converted', 'lost']),
        isNull(enquiries.erasedAt),
        sql`${closedAt} < ${cutoff.toISOString()}::timestamptz`,
      ),
    )
    .limit(limit)
  return rows.map((row) => row.id)
}
