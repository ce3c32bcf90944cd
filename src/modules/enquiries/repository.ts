import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm'
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import { preparedStatements, prepareRaw } from '../../db/prepared.js'
import { objectId } from '../../db/schema/columns.js'
import {
  type ActivityDetails,
  type ActivityType,
  activity,
  consents,
  type EmployeeRef,
  type EnquiryPriority,
  type EnquirySource,
  type EnquiryStatus,
  employees,
  enquiries,
  heldStatuses,
  notes,
  openStatuses,
  routingRosterVersion,
  routingRules,
} from '../../db/schema/index.js'
import { nextTurn, type Roster, routable } from '../routing/service.js'

/** Plain data about enquiries; every function takes a handle that may be a transaction. */

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
  firstContactDueAt: Date | null
  firstContactWarnAt: Date | null
  firstContactedAt: Date | null
  followUpAt: Date | null
  followUpNote: string | null
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

/** What the person agreed to on the form, and to which version of the privacy notice. */
export interface ConsentGiven {
  privacyNotice: boolean
  marketing: boolean
  noticeVersion: string | null
}

export const owner = alias(employees, 'owner')

export const enquiryColumns = {
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
  firstContactDueAt: enquiries.firstContactDueAt,
  firstContactWarnAt: enquiries.firstContactWarnAt,
  firstContactedAt: enquiries.firstContactedAt,
  followUpAt: enquiries.followUpAt,
  followUpNote: enquiries.followUpNote,
  createdAt: enquiries.createdAt,
  updatedAt: enquiries.updatedAt,
}

const isOpen = inArray(enquiries.status, [...openStatuses])

const insertWithCreatedEntry = preparedStatements((db, shape) => {
  const created = db.$with('created').as(
    db
      .insert(enquiries)
      .values({
        id: sql.placeholder('id'),
        name: sql.placeholder('name'),
        email: sql.placeholder('email'),
        phone: sql.placeholder('phone'),
        courseInterest: sql.placeholder('courseInterest'),
        message: sql.placeholder('message'),
        source: sql.placeholder('source'),
        priority: sql.placeholder('priority'),
      })
      .onConflictDoNothing()
      .returning({ id: enquiries.id, createdAt: enquiries.createdAt }),
  )
  // Selected in the consents table's column order; written only if the enquiry was.
  const consent = db.$with('consent').as(
    db
      .insert(consents)
      .select(
        db
          .select({
            id: sql`${sql.placeholder('consentId')}`.as('id'),
            enquiryId: created.id,
            privacyNotice: sql`${sql.placeholder('privacyNotice')}::boolean`.as('privacy_notice'),
            marketing: sql`${sql.placeholder('marketing')}::boolean`.as('marketing'),
            noticeVersion: sql`${sql.placeholder('noticeVersion')}::varchar`.as('notice_version'),
            givenAt: created.createdAt,
          })
          .from(created),
      )
      .returning({ id: consents.id }),
  )
  // Selected in the activity table's column order, which INSERT … SELECT requires.
  const entry = db
    .select({
      id: sql`${sql.placeholder('entryId')}`.as('id'),
      enquiryId: created.id,
      type: sql`'created'::activity_type`.as('type'),
      actorId: sql`NULL`.as('actor_id'),
      at: created.createdAt,
      details: sql`'{}'::jsonb`.as('details'),
    })
    .from(created)
  const withConsent = shape === 'consent'
  return db
    .with(...(withConsent ? [created, consent] : [created]))
    .insert(activity)
    .select(entry)
    .returning({ id: activity.enquiryId, createdAt: activity.at })
    .prepare(
      withConsent
        ? 'insert_enquiry_with_created_entry_and_consent'
        : 'insert_enquiry_with_created_entry',
    )
})

/** A new enquiry's id and fields, with the form's defaults: the insert statements' placeholders. */
const newEnquiryValues = (enquiry: NewEnquiry) => ({
  id: objectId(),
  name: enquiry.name,
  email: enquiry.email,
  phone: enquiry.phone,
  courseInterest: enquiry.courseInterest,
  message: enquiry.message ?? null,
  source: enquiry.source ?? 'website',
  priority: enquiry.priority ?? 'medium',
})

/**
 * Inserts the enquiry and its `created` activity entry (and the consent given, if any) in one
 * statement (one round trip, atomic), unless an open enquiry has the same email or phone digits:
 * undefined then, and nothing written.
 */
export async function insertEnquiryUnlessOpenDuplicate(
  db: Db,
  enquiry: NewEnquiry,
  consent?: ConsentGiven,
): Promise<{ id: string; createdAt: Date } | undefined> {
  const values = { ...newEnquiryValues(enquiry), entryId: objectId() }
  const [row] = consent
    ? await insertWithCreatedEntry(db, 'consent').execute({
        ...values,
        consentId: objectId(),
        ...consent,
      })
    : await insertWithCreatedEntry(db).execute(values)
  return row
}

/** Records the consent sent with a resubmission that the open enquiry absorbed. */
export async function insertConsent(
  db: Db,
  enquiryId: string,
  consent: ConsentGiven,
): Promise<void> {
  await db.insert(consents).values({ enquiryId, ...consent })
}

/**
 * The open enquiry a resubmitted form belongs to (same email first, else same phone digits):
 * its priority rises to the higher of the two. Undefined when none is open any more.
 */
export async function absorbResubmission(
  db: Db,
  submitted: { email: string; phone: string; priority: EnquiryPriority },
): Promise<{ id: string; updatedAt: Date } | undefined> {
  const digits = sql`regexp_replace(${submitted.phone}, '[^0-9]', '', 'g')`
  const [row] = await db
    .update(enquiries)
    .set({
      priority: sql`GREATEST(${enquiries.priority}, ${submitted.priority}::enquiry_priority)`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        // Checked again if an erasure held the row: an erased lead absorbs nothing.
        isNull(enquiries.erasedAt),
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
      ),
    )
    .returning({ id: enquiries.id, updatedAt: enquiries.updatedAt })
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

/**
 * The employee, if active and without a cap on open leads, with their row share-locked so a
 * deactivation waits for this transaction. (A capped employee claims through `claimWithinCap`.)
 */
const activeUncappedEmployeeLocked = (employeeId: string | SQL) =>
  sql`EXISTS (SELECT 1 FROM ${employees} WHERE ${employees.id} = ${employeeId} AND ${employees.isActive} AND ${employees.maxOpenLeads} IS NULL FOR SHARE)`

/** The employee, if active; for a transaction that already holds their row lock. */
const activeEmployee = (employeeId: string | SQL) =>
  sql`EXISTS (SELECT 1 FROM ${employees} WHERE ${employees.id} = ${employeeId} AND ${employees.isActive})`

const claimWithClaimedEntry = preparedStatements((db, shape) => {
  const employeeId = sql`${sql.placeholder('employeeId')}`
  const claimed = db.$with('claimed').as(
    db
      .update(enquiries)
      .set({
        status: 'claimed',
        claimedBy: employeeId,
        claimedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(enquiries.id, sql`${sql.placeholder('id')}`),
          eq(enquiries.status, 'unclaimed'),
          shape === 'locked'
            ? activeEmployee(employeeId)
            : activeUncappedEmployeeLocked(employeeId),
        ),
      )
      .returning({ id: enquiries.id, claimedAt: enquiries.claimedAt }),
  )
  // Selected in the activity table's column order, which INSERT … SELECT requires.
  const entry = db
    .select({
      id: sql`${sql.placeholder('entryId')}`.as('id'),
      enquiryId: claimed.id,
      type: sql`'claimed'::activity_type`.as('type'),
      actorId: sql`${employeeId}`.as('actor_id'),
      at: sql`${claimed.claimedAt}`.as('at'),
      details: sql`'{}'::jsonb`.as('details'),
    })
    .from(claimed)
  return db
    .with(claimed)
    .insert(activity)
    .select(entry)
    .returning({ id: activity.enquiryId })
    .prepare(`claim_enquiry_with_claimed_entry${shape ? `_${shape}` : ''}`)
})

/**
 * Claims the enquiry for the employee only if it is still unclaimed (and the employee still
 * active), with its `claimed` entry: one statement, so of simultaneous claims exactly one wins.
 * Without `employeeLocked`, only for an employee without a cap (false for one who has one);
 * with it, the caller holds the employee's row lock and has checked their cap.
 */
export async function claimIfUnclaimed(
  db: Db,
  id: string,
  employeeId: string,
  options: { employeeLocked?: boolean } = {},
): Promise<boolean> {
  const statement = claimWithClaimedEntry(db, options.employeeLocked ? 'locked' : '')
  const rows = await statement.execute({ id, employeeId, entryId: objectId() })
  return rows.length === 1
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

/** Leaving `claimed` is the first contact: it stops a running first-contact clock. */
export async function setStatus(db: Db, id: string, status: EnquiryStatus): Promise<void> {
  await db
    .update(enquiries)
    .set({
      status,
      firstContactedAt: sql`CASE WHEN ${enquiries.status} = 'claimed' AND ${enquiries.firstContactDueAt} IS NOT NULL THEN coalesce(${enquiries.firstContactedAt}, now()) ELSE ${enquiries.firstContactedAt} END`,
      updatedAt: sql`now()`,
    })
    .where(eq(enquiries.id, id))
}

/** No owner, no first-contact clock (and no follow-up: it was the owner's). */
const backInThePool = {
  status: 'unclaimed' as const,
  claimedBy: null,
  claimedAt: null,
  firstContactDueAt: null,
  firstContactWarnAt: null,
  firstContactedAt: null,
  firstContactBreachedAt: null,
  followUpAt: null,
  followUpNote: null,
  updatedAt: sql`now()`,
}

export async function returnToPool(db: Db, id: string): Promise<void> {
  await db.update(enquiries).set(backInThePool).where(eq(enquiries.id, id))
}

/** What a first-contact clock starts from: the lead's priority and current claim. */
export async function findClockBasis(db: Db, id: string) {
  const [row] = await db
    .select({
      status: enquiries.status,
      priority: enquiries.priority,
      claimedBy: enquiries.claimedBy,
      claimedAt: enquiries.claimedAt,
    })
    .from(enquiries)
    .where(eq(enquiries.id, id))
  return row
}

export async function setFirstContactClock(
  db: Db,
  id: string,
  clock: { dueAt: Date; warnAt: Date | null },
): Promise<void> {
  await db
    .update(enquiries)
    .set({
      firstContactDueAt: clock.dueAt,
      firstContactWarnAt: clock.warnAt,
      firstContactedAt: null,
      firstContactBreachedAt: null,
    })
    .where(eq(enquiries.id, id))
}

/** Which claim a deadline job belongs to: the lead, its owner then, and when they got it. */
export interface ClockJob {
  enquiryId: string
  ownerId: string
  claimedAt: string
}

/** Still the same claim by the same owner, still uncontacted, not yet breached. */
const stillRunning = (job: ClockJob) =>
  and(
    eq(enquiries.id, job.enquiryId),
    eq(enquiries.claimedBy, job.ownerId),
    eq(enquiries.claimedAt, new Date(job.claimedAt)),
    eq(enquiries.status, 'claimed'),
    isNull(enquiries.firstContactedAt),
    isNull(enquiries.firstContactBreachedAt),
  )

/**
 * Marks the deadline missed only if the lead is still the same owner's same claim, uncontacted:
 * one conditional UPDATE, so a status change that commits first (or waits for this row) wins.
 */
export async function markBreachedIfUncontacted(db: Db, job: ClockJob) {
  const [row] = await db
    .update(enquiries)
    .set({ firstContactBreachedAt: sql`now()` })
    .where(stillRunning(job))
    .returning({
      dueAt: enquiries.firstContactDueAt,
      source: enquiries.source,
      priority: enquiries.priority,
      courseInterest: enquiries.courseInterest,
    })
  return row
}

/**
 * An activity entry of the enquiry selected, with no actor, at now(), for INSERT … SELECT (in the
 * activity table's column order, which that requires).
 */
const systemEntry = (type: ActivityType, details: SQL) => ({
  id: sql`${objectId()}`.as('id'),
  enquiryId: enquiries.id,
  type: sql`${type}::activity_type`.as('type'),
  actorId: sql`NULL`.as('actor_id'),
  at: sql`now()`.as('at'),
  details: details.as('details'),
})

/** The `sla_warning` entry, written once per claim and only while the clock still runs. */
export async function recordWarningIfUncontacted(db: Db, job: ClockJob): Promise<boolean> {
  const rows = await db
    .insert(activity)
    .select(
      db
        .select(
          systemEntry(
            'sla_warning',
            sql`jsonb_build_object('dueAt', to_char(${enquiries.firstContactDueAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
          ),
        )
        .from(enquiries)
        .where(
          and(
            stillRunning(job),
            sql`NOT EXISTS (SELECT 1 FROM ${activity} WHERE ${activity.enquiryId} = ${enquiries.id} AND ${activity.type} = 'sla_warning' AND ${activity.at} >= ${enquiries.claimedAt})`,
          ),
        ),
    )
    .returning({ id: activity.id })
  return rows.length === 1
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
    .set(backInThePool)
    .where(and(eq(enquiries.claimedBy, employeeId), inArray(enquiries.status, [...heldStatuses])))
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

const whileUncontacted = (column: AnyPgColumn) =>
  sql`CASE WHEN ${enquiries.status} IN ('unclaimed', 'claimed') THEN NULL ELSE ${column} END`

/** Hands an open lead to an employee (from the pool or from another owner). */
export async function assignTo(db: Db, id: string, employeeId: string): Promise<void> {
  await db
    .update(enquiries)
    .set({
      claimedBy: employeeId,
      claimedAt: sql`now()`,
      status: sql`CASE WHEN ${enquiries.status} = 'unclaimed' THEN 'claimed'::enquiry_status ELSE ${enquiries.status} END`,
      // A new owner of an uncontacted lead starts afresh: the previous owner's clock no longer applies.
      firstContactDueAt: whileUncontacted(enquiries.firstContactDueAt),
      firstContactWarnAt: whileUncontacted(enquiries.firstContactWarnAt),
      firstContactBreachedAt: whileUncontacted(enquiries.firstContactBreachedAt),
      followUpAt: null,
      followUpNote: null,
      updatedAt: sql`now()`,
    })
    .where(eq(enquiries.id, id))
}

/** Who a rotation assigned a new enquiry to, and through which rule. */
export interface RotationAssignment {
  rule: { _id: string; name: string }
  employee: EmployeeRef
}

/**
 * The CTEs of a round-robin routing: `rule` (the rule, if it is an active round-robin whose
 * counselors have no cap), `eligible` (its counselors who are active,
 * available and counselors, in the rule's order), `turn` (the rule's next turn, taken only when
 * somebody is eligible) and `owner` (turn n goes to the (n mod k)-th of the k eligible). Taking a
 * turn is a sequence's nextval: it waits for no other routing's transaction, so routings through
 * one rule run side by side, and simultaneous ones still get consecutive turns. Caps, least-loaded
 * and exclusions take the general path (routing/service decideOwner), which counts open leads
 * under the counselors' locks. Placeholders: ruleId, reason.
 */
function rotationCtes(): SQL {
  const ruleId = sql.placeholder('ruleId')
  return sql`${sql.identifier('rule')} AS (
      SELECT ${routingRules.id} AS id, ${routingRules.name} AS name, ${routingRules.counselorIds} AS counselor_ids
      FROM ${routingRules}
      WHERE ${routingRules.id} = ${ruleId} AND ${routingRules.active} AND ${routingRules.strategy} = 'round_robin'
        AND NOT EXISTS (SELECT 1 FROM ${employees} WHERE ${employees.id} = ANY(${routingRules.counselorIds}) AND ${employees.maxOpenLeads} IS NOT NULL)
    ),
    eligible AS (
      SELECT ${employees.id} AS id, ${employees.name} AS name, ${employees.email} AS email,
        row_number() OVER (ORDER BY c.ord) - 1 AS place, count(*) OVER () AS size
      FROM ${sql.identifier('rule')} r
      CROSS JOIN LATERAL unnest(r.counselor_ids) WITH ORDINALITY AS c(id, ord)
      JOIN ${employees} ON ${employees.id} = c.id
      WHERE ${routable}
    ),
    turn AS (
      SELECT ${nextTurn(sql`r.id`)} AS n FROM ${sql.identifier('rule')} r
      WHERE EXISTS (SELECT 1 FROM eligible)
    ),
    owner AS (
      SELECT eligible.id, eligible.name, eligible.email FROM eligible, turn
      WHERE eligible.place = turn.n % eligible.size
    )`
}

/**
 * The `assigned` entry's details for a rotation: who (`employee`, an object with _id, name and
 * email), by which rule (its id and name), and why (placeholder reason).
 */
const rotationDetails = (employee: SQL, ruleId: SQL, ruleName: SQL) => sql`jsonb_build_object(
    'employee', ${employee},
    'previousOwner', NULL,
    'rule', jsonb_build_object('_id', ${ruleId}, 'name', ${ruleName}),
    'strategy', 'round_robin',
    'reason', ${sql.placeholder('reason')}::text)`

const toAssignment = (details: unknown): RotationAssignment => {
  const { rule, employee } = details as RotationAssignment
  return { rule, employee }
}

const assignByRotationStatement = preparedStatements((db) =>
  prepareRaw<{ details: unknown }>(
    db,
    'assign_by_rotation',
    sql`
      WITH ${rotationCtes()},
      assigned AS (
        UPDATE ${enquiries} SET claimed_by = owner.id, claimed_at = now(), status = 'claimed', updated_at = now()
        FROM owner
        WHERE ${enquiries.id} = ${sql.placeholder('enquiryId')} AND ${enquiries.status} = 'unclaimed'
        RETURNING ${enquiries.id} AS enquiry_id
      )
      INSERT INTO ${activity} (id, enquiry_id, type, actor_id, at, details)
      SELECT ${sql.placeholder('entryId')}, assigned.enquiry_id, 'assigned'::activity_type, NULL, now(),
        ${rotationDetails(sql`jsonb_build_object('_id', owner.id, 'name', owner.name, 'email', owner.email)`, sql`r.id`, sql`r.name`)}
      FROM assigned, owner, ${sql.identifier('rule')} r
      RETURNING details`,
  ),
)

/**
 * Routes a new enquiry (inserted earlier in this transaction) by a round-robin rule in one
 * statement: its turn, the assignment and the `assigned` entry. Undefined, and nothing written,
 * when the rule is not a plain rotation (see rotationCtes).
 */
export async function assignByRotation(
  db: Db,
  enquiryId: string,
  ruleId: string,
  reason: string,
): Promise<RotationAssignment | undefined> {
  const [row] = await assignByRotationStatement(db).execute({
    ruleId,
    reason,
    enquiryId,
    entryId: objectId(),
  })
  return row && toAssignment(row.details)
}

/** Open leads, as a literal list: the partial unique indexes of open leads say the same. */
const openLead = sql`${enquiries.status} IN (${sql.raw(openStatuses.map((status) => `'${status}'`).join(', '))}) AND ${enquiries.erasedAt} IS NULL`

const insertFromRosterStatement = preparedStatements((db) => {
  // Two lookups, one per unique index of open leads: an OR in one would let the planner scan
  // every open lead.
  const digits = sql`regexp_replace(${sql.placeholder('phone')}, '[^0-9]', '', 'g')`
  const duplicate = sql`EXISTS (SELECT 1 FROM ${enquiries} WHERE ${openLead} AND ${enquiries.email} = ${sql.placeholder('email')})
    OR EXISTS (SELECT 1 FROM ${enquiries} WHERE ${openLead} AND ${enquiries.phoneDigits} = ${digits})`
  // The turn is taken only while the roster holds and the enquiry is new; turn n goes to the
  // (n mod k)-th of the roster's k eligible counselors, named in the entry as the roster has them:
  // the version says they are still eligible and still so named, so nothing of employees is read.
  // Raw for the INSERT's column list: the query builder's INSERT … SELECT names every column.
  return prepareRaw<{ enquiry_id: string; at: Date | string }>(
    db,
    'insert_routed_from_roster',
    sql`
      WITH turn AS (
        SELECT ${sql.placeholder('eligible')}::jsonb -> (${nextTurn(sql`${sql.placeholder('ruleId')}::text`)} % ${sql.placeholder('size')}::int)::int AS employee
        FROM ${routingRosterVersion}
        WHERE ${routingRosterVersion.version} = ${sql.placeholder('version')} AND NOT (${duplicate})
      ),
      created AS (
        INSERT INTO ${enquiries} (id, name, email, phone, course_interest, message, source, priority,
          status, claimed_by, claimed_at)
        SELECT ${sql.placeholder('id')}, ${sql.placeholder('name')}, ${sql.placeholder('email')}, ${sql.placeholder('phone')},
          ${sql.placeholder('courseInterest')}, ${sql.placeholder('message')},
          ${sql.placeholder('source')}::enquiry_source, ${sql.placeholder('priority')}::enquiry_priority,
          'claimed', (turn.employee ->> '_id')::char(24), now()
        FROM turn
        -- No turn to take (the rule's sequence went with it): nobody.
        WHERE turn.employee IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING id, created_at
      )
      INSERT INTO ${activity} (id, enquiry_id, type, actor_id, at, details)
      SELECT ${sql.placeholder('createdEntryId')}, created.id, 'created'::activity_type, NULL, created.created_at, '{}'::jsonb FROM created
      UNION ALL
      SELECT ${sql.placeholder('assignedEntryId')}, created.id, 'assigned'::activity_type, NULL, created.created_at,
        ${rotationDetails(sql`turn.employee`, sql`${sql.placeholder('ruleId')}::text`, sql`${sql.placeholder('ruleName')}::text`)}
      FROM created, turn
      RETURNING enquiry_id, at`,
  )
})

/**
 * A new enquiry routed by a round-robin rule from its cached roster, all in ONE statement outside
 * any transaction: the rule's turn is taken, the enquiry is inserted already claimed by the
 * counselor whose turn it is, with its `created` and `assigned` entries. Undefined, and nothing
 * written, when the roster no longer holds (since it was read, some eligibility or the rule
 * changed, or a counselor of it was renamed: routing_roster_version moved on) or an open enquiry
 * already has this email or phone (a resubmission): the caller then takes the general path, which
 * reads everything afresh or absorbs it. Should an identical submission commit between this
 * statement's check and its insert, the insert does nothing and the turn taken is skipped: that
 * counselor's turn passes, once.
 */
export async function insertRoutedFromRoster(
  db: Db,
  enquiry: NewEnquiry,
  roster: Roster,
  reason: string,
): Promise<{ id: string; createdAt: Date } | undefined> {
  const [row] = await insertFromRosterStatement(db).execute({
    ruleId: roster.rule._id,
    ruleName: roster.rule.name,
    version: roster.version,
    eligible: JSON.stringify(roster.eligible),
    size: roster.eligible.length,
    reason,
    ...newEnquiryValues(enquiry),
    createdEntryId: objectId(),
    assignedEntryId: objectId(),
  })
  // Both entries name the enquiry and its moment; none means nothing was written.
  return row && { id: row.enquiry_id, createdAt: new Date(row.at) }
}

/** How many enquiries the employee holds in each status. */
export async function countEnquiriesByStatusOf(
  db: Db,
  employeeId: string,
): Promise<Partial<Record<EnquiryStatus, number>>> {
  const rows = await db
    .select({ status: enquiries.status, count: sql<number>`count(*)::int` })
    .from(enquiries)
    .where(eq(enquiries.claimedBy, employeeId))
    .groupBy(enquiries.status)
  return Object.fromEntries(rows.map((row) => [row.status, row.count]))
}

/** Sets (or, with null, clears) the lead's follow-up. */
export async function setFollowUpOf(
  db: Db,
  id: string,
  followUp: { at: Date; note: string | null } | null,
): Promise<void> {
  await db
    .update(enquiries)
    .set({
      followUpAt: followUp?.at ?? null,
      followUpNote: followUp?.note ?? null,
      updatedAt: sql`now()`,
    })
    .where(eq(enquiries.id, id))
}

/** Which follow-up a due job belongs to: the lead and the moment set. */
export interface FollowUpJob {
  enquiryId: string
  at: string
}

/**
 * The `follow_up_due` entry, only if the lead still has that very follow-up and it was not
 * recorded already (a job may run twice): one conditional INSERT.
 */
export async function recordFollowUpDueIfStillSet(db: Db, job: FollowUpJob): Promise<boolean> {
  const at = new Date(job.at)
  const rows = await db
    .insert(activity)
    .select(
      db
        .select(
          systemEntry(
            'follow_up_due',
            sql`jsonb_build_object('followUpAt', ${job.at}::text, 'note', ${enquiries.followUpNote}, 'employee', jsonb_build_object('_id', ${owner.id}, 'name', ${owner.name}, 'email', ${owner.email}))`,
          ),
        )
        .from(enquiries)
        .innerJoin(owner, eq(owner.id, enquiries.claimedBy))
        .where(
          and(
            eq(enquiries.id, job.enquiryId),
            eq(enquiries.followUpAt, at),
            sql`NOT EXISTS (SELECT 1 FROM ${activity} WHERE ${activity.enquiryId} = ${enquiries.id} AND ${activity.type} = 'follow_up_due' AND ${activity.details} ->> 'followUpAt' = ${job.at}::text)`,
          ),
        ),
    )
    .returning({ id: activity.id })
  return rows.length === 1
}

/** A page of leads with a follow-up in [from, to), soonest first, and how many there are. */
export async function listFollowUps(
  db: Db,
  filter: { claimedBy?: string; from?: Date; to?: Date },
  page: { offset: number; limit: number },
): Promise<{ rows: EnquiryRecord[]; total: number }> {
  const where = and(
    isNotNull(enquiries.followUpAt),
    inArray(enquiries.status, [...heldStatuses]),
    filter.claimedBy !== undefined ? eq(enquiries.claimedBy, filter.claimedBy) : undefined,
    filter.from !== undefined ? gte(enquiries.followUpAt, filter.from) : undefined,
    filter.to !== undefined ? lt(enquiries.followUpAt, filter.to) : undefined,
  )
  const [rows, [counted]] = await Promise.all([
    db
      .select(enquiryColumns)
      .from(enquiries)
      .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
      .where(where)
      .orderBy(asc(enquiries.followUpAt), asc(enquiries.id))
      .offset(page.offset)
      .limit(page.limit),
    db.select({ total: sql<number>`count(*)::int` }).from(enquiries).where(where),
  ])
  return { rows, total: counted?.total ?? 0 }
}
