import { and, asc, desc, eq, gte, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import {
  type ActivityDetails,
  type ActivityType,
  activity,
  type EnquiryPriority,
  type EnquirySource,
  type EnquiryStatus,
  employees,
  enquiries,
  enquiryStatusCounts,
  notes,
  openStatuses,
} from '../../db/schema/index.js'

/** Plain data about enquiries; every function takes a handle that may be a transaction. */

export interface EmployeeRef {
  _id: string
  name: string
  email: string
}

export interface EnquiryRecord {
  _id: string
  name: string
  email: string
  phone: string
  courseInterest: string
  message: string | null
  status: EnquiryStatus
  source: EnquirySource
  priority: EnquiryPriority
  claimedBy: EmployeeRef | null
  claimedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface NoteRecord {
  _id: string
  text: string
  addedBy: EmployeeRef | null
  addedAt: Date
}

export interface ActivityRecord {
  type: ActivityType
  actor: EmployeeRef | null
  at: Date
  details: ActivityDetails
}

export interface NewEnquiry {
  name: string
  email: string
  phone: string
  courseInterest: string
  message?: string | undefined
  source?: EnquirySource | undefined
  priority?: EnquiryPriority | undefined
}

export interface EnquiryFilter {
  status?: EnquiryStatus
  /** An employee id, or 'none' for enquiries nobody holds. */
  claimedBy?: string
  priority?: EnquiryPriority
  source?: EnquirySource
  courseInterest?: string
  q?: string
  /** createdAt bounds: from inclusive, to exclusive. */
  from?: Date
  to?: Date
}

export type EnquiryOrder = 'newest' | 'oldest' | 'priority' | 'recentlyClaimed'

const owner = alias(employees, 'owner')

const enquiryColumns = {
  _id: enquiries.id,
  name: enquiries.name,
  email: enquiries.email,
  phone: enquiries.phone,
  courseInterest: enquiries.courseInterest,
  message: enquiries.message,
  status: enquiries.status,
  source: enquiries.source,
  priority: enquiries.priority,
  claimedBy: { _id: owner.id, name: owner.name, email: owner.email },
  claimedAt: enquiries.claimedAt,
  createdAt: enquiries.createdAt,
  updatedAt: enquiries.updatedAt,
}

const isOpen = inArray(enquiries.status, [...openStatuses])

/** Inserts the enquiry unless an open one has the same email or phone digits; undefined then. */
export async function insertEnquiryUnlessOpenDuplicate(
  db: Db,
  enquiry: NewEnquiry,
): Promise<{ id: string; createdAt: Date } | undefined> {
  const [row] = await db
    .insert(enquiries)
    .values(enquiry)
    .onConflictDoNothing()
    .returning({ id: enquiries.id, createdAt: enquiries.createdAt })
  return row
}

/**
 * The open enquiry a resubmitted form belongs to (same email first, else same phone digits):
 * its priority rises to the higher of the two. Undefined when none is open any more.
 */
export async function absorbResubmission(
  db: Db,
  submitted: { email: string; phone: string; priority: EnquiryPriority },
): Promise<{ id: string } | undefined> {
  const digits = sql`regexp_replace(${submitted.phone}, '[^0-9]', '', 'g')`
  const [row] = await db
    .update(enquiries)
    .set({
      priority: sql`GREATEST(${enquiries.priority}, ${submitted.priority}::enquiry_priority)`,
      updatedAt: sql`now()`,
    })
    .where(
      eq(
        enquiries.id,
        db
          .select({ id: enquiries.id })
          .from(enquiries)
          .where(
            and(
              isOpen,
              sql`(${enquiries.email} = ${submitted.email} OR ${enquiries.phoneDigits} = ${digits})`,
            ),
          )
          .orderBy(sql`${enquiries.email} = ${submitted.email} DESC`)
          .limit(1),
      ),
    )
    .returning({ id: enquiries.id })
  return row
}

export async function recordActivity(
  db: Db,
  entry: {
    enquiryId: string
    type: ActivityType
    actorId: string | null
    details?: ActivityDetails
  },
): Promise<void> {
  await db.insert(activity).values({ ...entry, details: entry.details ?? {} })
}

/** The employee, if active, with their row share-locked so a deactivation waits for this transaction. */
const activeEmployeeLocked = (employeeId: string) =>
  sql`EXISTS (SELECT 1 FROM ${employees} WHERE ${employees.id} = ${employeeId} AND ${employees.isActive} FOR SHARE)`

/**
 * Claims the enquiry for the employee only if it is still unclaimed (and the employee still
 * active): one statement, so of simultaneous claims exactly one wins.
 */
export async function claimIfUnclaimed(db: Db, id: string, employeeId: string): Promise<boolean> {
  const rows = await db
    .update(enquiries)
    .set({ status: 'claimed', claimedBy: employeeId, claimedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(enquiries.id, id),
        eq(enquiries.status, 'unclaimed'),
        activeEmployeeLocked(employeeId),
      ),
    )
    .returning({ id: enquiries.id })
  return rows.length === 1
}

/** The employee if active, share-locked until the transaction ends (see claimIfUnclaimed). */
export async function findActiveEmployeeForUpdate(
  db: Db,
  employeeId: string,
): Promise<EmployeeRef | undefined> {
  const [row] = await db
    .select({ _id: employees.id, name: employees.name, email: employees.email })
    .from(employees)
    .where(and(eq(employees.id, employeeId), eq(employees.isActive, true)))
    .for('share')
  return row
}

export interface EnquiryState {
  status: EnquiryStatus
  claimedBy: string | null
}

/** The enquiry's status and owner; with `forUpdate`, the row stays locked until the transaction ends. */
export async function findEnquiryState(
  db: Db,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<EnquiryState | undefined> {
  const query = db
    .select({ status: enquiries.status, claimedBy: enquiries.claimedBy })
    .from(enquiries)
    .where(eq(enquiries.id, id))
  const [row] = options.forUpdate ? await query.for('update') : await query
  return row
}

export async function setStatus(db: Db, id: string, status: EnquiryStatus): Promise<void> {
  await db.update(enquiries).set({ status, updatedAt: sql`now()` }).where(eq(enquiries.id, id))
}

export async function returnToPool(db: Db, id: string): Promise<void> {
  await db
    .update(enquiries)
    .set({ status: 'unclaimed', claimedBy: null, claimedAt: null, updatedAt: sql`now()` })
    .where(eq(enquiries.id, id))
}

export async function insertNote(
  db: Db,
  note: { enquiryId: string; text: string; addedBy: string },
): Promise<string> {
  const [row] = await db.insert(notes).values(note).returning({ id: notes.id })
  await db.update(enquiries).set({ updatedAt: sql`now()` }).where(eq(enquiries.id, note.enquiryId))
  if (!row) throw new Error('note insert returned no row')
  return row.id
}

export async function findEmployeeRef(db: Db, id: string): Promise<EmployeeRef | undefined> {
  const [row] = await db
    .select({ _id: employees.id, name: employees.name, email: employees.email })
    .from(employees)
    .where(eq(employees.id, id))
  return row
}

export async function findEnquiry(db: Db, id: string): Promise<EnquiryRecord | undefined> {
  const [row] = await db
    .select(enquiryColumns)
    .from(enquiries)
    .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
    .where(eq(enquiries.id, id))
  return row
}

export async function findNotes(db: Db, enquiryId: string): Promise<NoteRecord[]> {
  return db
    .select({
      _id: notes.id,
      text: notes.text,
      addedBy: { _id: employees.id, name: employees.name, email: employees.email },
      addedAt: notes.addedAt,
    })
    .from(notes)
    .leftJoin(employees, eq(employees.id, notes.addedBy))
    .where(eq(notes.enquiryId, enquiryId))
    .orderBy(asc(notes.addedAt), asc(notes.id))
}

export async function findActivity(db: Db, enquiryId: string): Promise<ActivityRecord[]> {
  return db
    .select({
      type: activity.type,
      actor: { _id: employees.id, name: employees.name, email: employees.email },
      at: activity.at,
      details: activity.details,
    })
    .from(activity)
    .leftJoin(employees, eq(employees.id, activity.actorId))
    .where(eq(activity.enquiryId, enquiryId))
    .orderBy(asc(activity.at), asc(activity.id))
}

/** `%`, `_` and `\` in a search are literal characters, not LIKE wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

export function whereOf(filter: EnquiryFilter): SQL | undefined {
  const { status, claimedBy, priority, source, courseInterest, q, from, to } = filter
  return and(
    status !== undefined ? eq(enquiries.status, status) : undefined,
    claimedBy === 'none' ? isNull(enquiries.claimedBy) : undefined,
    claimedBy !== undefined && claimedBy !== 'none'
      ? eq(enquiries.claimedBy, claimedBy)
      : undefined,
    from !== undefined ? gte(enquiries.createdAt, from) : undefined,
    to !== undefined ? lt(enquiries.createdAt, to) : undefined,
    priority !== undefined ? eq(enquiries.priority, priority) : undefined,
    source !== undefined ? eq(enquiries.source, source) : undefined,
    courseInterest !== undefined ? eq(enquiries.courseInterest, courseInterest) : undefined,
    q !== undefined
      ? sql`(${enquiries.name} ILIKE ${likePattern(q)} OR ${enquiries.email} ILIKE ${likePattern(q)} OR ${enquiries.phone} ILIKE ${likePattern(q)})`
      : undefined,
  )
}

// Every order ends on the id, so it is total and paging never repeats or skips a row.
const ORDERS: Record<EnquiryOrder, SQL[]> = {
  newest: [desc(enquiries.createdAt), desc(enquiries.id)],
  oldest: [asc(enquiries.createdAt), asc(enquiries.id)],
  priority: [desc(enquiries.priority), asc(enquiries.createdAt), asc(enquiries.id)],
  recentlyClaimed: [desc(enquiries.claimedAt), desc(enquiries.id)],
}

/** One page and the total of all matches: two queries, whatever the page size. */
export async function listEnquiries(
  db: Db,
  filter: EnquiryFilter,
  order: EnquiryOrder,
  page: { offset: number; limit: number },
): Promise<{ rows: EnquiryRecord[]; total: number }> {
  const where = whereOf(filter)
  // Deferred join: the page's ids come from the index alone (a deep page skips index entries, not
  // table rows); only the 20 rows shown are then read in full.
  const pageIds = db
    .select({ id: enquiries.id })
    .from(enquiries)
    .where(where)
    .orderBy(...ORDERS[order])
    .offset(page.offset)
    .limit(page.limit)
  const [rows, [counted]] = await Promise.all([
    db
      .select(enquiryColumns)
      .from(enquiries)
      .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
      .where(inArray(enquiries.id, pageIds))
      .orderBy(...ORDERS[order]),
    countEnquiries(db, filter),
  ])
  return { rows, total: counted?.total ?? 0 }
}

/**
 * How many enquiries match. Filtered by status alone (the pool) or not at all, the total is the sum
 * of the trigger-kept counters, exact and independent of the table's size; other filters count rows.
 */
function countEnquiries(db: Db, filter: EnquiryFilter) {
  const { status, ...others } = filter
  if (Object.values(others).every((value) => value === undefined)) {
    return db
      .select({ total: sql<number>`coalesce(sum(${enquiryStatusCounts.count}), 0)::int` })
      .from(enquiryStatusCounts)
      .where(status !== undefined ? eq(enquiryStatusCounts.status, status) : undefined)
  }
  return db.select({ total: sql<number>`count(*)::int` }).from(enquiries).where(whereOf(filter))
}

/**
 * Gives every open lead of the employee back to the pool, each with a `released` entry; for the
 * transaction that deactivates them.
 */
export async function releaseOpenLeadsOf(
  db: Db,
  employeeId: string,
  actorId: string,
  previousOwner: EmployeeRef,
): Promise<number> {
  const released = await db
    .update(enquiries)
    .set({ status: 'unclaimed', claimedBy: null, claimedAt: null, updatedAt: sql`now()` })
    .where(
      and(eq(enquiries.claimedBy, employeeId), inArray(enquiries.status, ['claimed', 'contacted'])),
    )
    .returning({ id: enquiries.id })
  if (released.length > 0) {
    await db.insert(activity).values(
      released.map(({ id }) => ({
        enquiryId: id,
        type: 'released' as const,
        actorId,
        details: { previousOwner, reason: 'owner deactivated' },
      })),
    )
  }
  return released.length
}

/** Hands an open lead to an employee (from the pool or from another owner). */
export async function assignTo(db: Db, id: string, employeeId: string): Promise<void> {
  await db
    .update(enquiries)
    .set({
      claimedBy: employeeId,
      claimedAt: sql`now()`,
      status: sql`CASE WHEN ${enquiries.status} = 'unclaimed' THEN 'claimed'::enquiry_status ELSE ${enquiries.status} END`,
      updatedAt: sql`now()`,
    })
    .where(eq(enquiries.id, id))
}

/** Export rows: enquiries in creation order, fetched in batches after a keyset cursor. */
export async function listEnquiriesAfter(
  db: Db,
  filter: EnquiryFilter,
  after: { createdAt: Date; id: string } | undefined,
  limit: number,
): Promise<EnquiryRecord[]> {
  // A row comparison, which the (created_at, id) index answers directly (an OR would not).
  const cursor = after
    ? sql`(${enquiries.createdAt}, ${enquiries.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id})`
    : undefined
  return db
    .select(enquiryColumns)
    .from(enquiries)
    .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
    .where(and(whereOf(filter), cursor))
    .orderBy(asc(enquiries.createdAt), asc(enquiries.id))
    .limit(limit)
}
