import type { Db } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import { objectId } from '../../db/schema/columns.js'
import type { Employee, EmployeeRef } from '../../db/schema/index.js'
import { AppError, validationFailed } from '../../errors.js'
import {
  type Capacity,
  countOpenLeadsOf,
  findEmployeeRef,
  lockCapacityOf,
} from '../employees/service.js'
import { firstMatchingRule, ROTATION_REASON } from '../routing/service.js'
import type { SlaSettings } from '../sla/service.js'
import { cursorAfter, readCursor, supportsCursor } from './cursor.js'
import {
  type Automation,
  type JobSender,
  routeEnquiry,
  startFirstContactClock,
} from './first-contact.js'
import { type EnquiryFilter, type EnquiryOrder, listEnquiries } from './listing.js'
import {
  absorbResubmission,
  assignTo,
  type ConsentGiven,
  claimIfUnclaimed,
  countEnquiriesByStatusOf,
  type EnquiryRecord,
  type EnquiryState,
  findActivity,
  findEnquiry,
  findEnquiryState,
  findNotes,
  insertConsent,
  insertEnquiryUnlessOpenDuplicate,
  insertNote,
  insertRoutedFromRoster,
  type NewEnquiry,
  recordActivity,
  releaseOpenLeadsOf,
  returnToPool,
  setStatus,
} from './repository.js'
import { isClosed, type StatusTarget, statusChange } from './rules.js'
import { toEnquiryView } from './views.js'

export type Actor = Pick<Employee, 'id' | 'role'>

export { slaState } from '../sla/service.js'

/** The filters of the enquiry lists, as SQL, for other modules' aggregates (the stats). */
export { type EnquiryFilter, whereOf } from './listing.js'
/** An enquiry's JSON shape, for other modules that answer with enquiries (a subject access request). */
export { toEnquiryDetailView } from './views.js'

const isAdmin = (actor: Actor) => actor.role === 'admin'
const owns = (actor: Actor, state: EnquiryState) => state.claimedBy === actor.id

/** The consent the public form may carry (`marketing` left out: not given). */
export interface ConsentInput {
  privacyNotice: boolean
  marketing?: boolean | undefined
}

/** How the deployment treats consent (PRIVACY_NOTICE_VERSION, REQUIRE_PRIVACY_CONSENT). */
export interface ConsentPolicy {
  required: boolean
  noticeVersion: string | undefined
}

/** The consent to store with a submission, or a 400 naming the field when it is required. */
function consentToStore(
  consent: ConsentInput | undefined,
  policy: ConsentPolicy,
): ConsentGiven | undefined {
  if (policy.required && consent?.privacyNotice !== true) {
    throw validationFailed('Validation failed: consent.privacyNotice must be true', [
      {
        field: 'consent.privacyNotice',
        message: 'must be true: please confirm you have read the privacy notice',
      },
    ])
  }
  if (!consent) return undefined
  return {
    privacyNotice: consent.privacyNotice,
    marketing: consent.marketing ?? false,
    noticeVersion: policy.noticeVersion ?? null,
  }
}

/**
 * A public form submission. A person with an open lead (same email, or same phone digits) does not
 * get a second one: the open lead records the resubmission and keeps the higher priority. The
 * partial unique indexes decide, so simultaneous identical submissions leave exactly one lead.
 * A consent sent with the form is stored with the lead it lands on, with the notice's version.
 */
export async function submitEnquiry(
  db: Db,
  input: NewEnquiry & { website?: string | undefined; consent?: ConsentInput | undefined },
  automation: Automation,
  policy: ConsentPolicy = { required: false, noticeVersion: undefined },
): Promise<{ id: string; submittedAt: Date; created: boolean }> {
  const consent = consentToStore(input.consent, policy)
  // The form's hidden honeypot field: people never fill it, bots do. A bot is answered as a person
  // would be, so it learns nothing, and nothing is stored.
  if (input.website) return { id: objectId(), submittedAt: new Date(), created: false }
  const priority = input.priority ?? 'medium'
  const rule = firstMatchingRule(await automation.activeRules(), {
    source: input.source ?? 'website',
    priority,
    courseInterest: input.courseInterest,
  })
  const sla = rule ? await automation.slaSettings() : undefined
  // A plain rotation with no deadline to start and no consent to store: one statement.
  // Caps and nobody eligible take the general path, which counts open leads or says why.
  if (rule?.strategy === 'round_robin' && !sla?.enabled && !consent) {
    const roster = await automation.roster(rule.id)
    if (roster && !roster.capped && roster.eligible.length > 0) {
      const routed = await insertRoutedFromRoster(db, input, roster, ROTATION_REASON)
      if (routed) return { id: routed.id, submittedAt: routed.createdAt, created: true }
      // Stale, or a resubmission: either way the next submission reads the roster afresh.
      automation.forgetRosters()
    }
  }
  // A retry is needed only if the open lead we collided with was closed in between.
  for (let attempt = 0; attempt < 3; attempt++) {
    const created =
      rule === undefined || sla === undefined
        ? await insertEnquiryUnlessOpenDuplicate(db, input, consent)
        : await insertAndRoute(db, automation, sla, { input, ruleId: rule.id, consent })
    if (created) return { id: created.id, submittedAt: created.createdAt, created: true }
    const outcome = await db.transaction(async (tx) => {
      const existing = await absorbResubmission(tx, {
        email: input.email,
        phone: input.phone,
        priority,
      })
      if (!existing) return undefined
      await recordActivity(tx, {
        enquiryId: existing.id,
        type: 'resubmitted',
        actorId: null,
        details: { message: input.message ?? null, courseInterest: input.courseInterest, priority },
      })
      if (consent) await insertConsent(tx, existing.id, consent)
      return { id: existing.id, submittedAt: existing.updatedAt, created: false }
    })
    if (outcome) return outcome
  }
  throw new AppError('SUBMISSION_CONFLICT')
}

/**
 * A new enquiry and its routing in one transaction: the rule's pointer, the owner and the entry
 * saying why commit with the enquiry or not at all. Undefined, and nothing written, for a
 * resubmission.
 */
async function insertAndRoute(
  db: Db,
  jobs: JobSender,
  sla: SlaSettings,
  { input, ruleId, consent }: { input: NewEnquiry; ruleId: string; consent?: ConsentGiven },
) {
  return db.transaction(async (tx) => {
    const created = await insertEnquiryUnlessOpenDuplicate(tx, input, consent)
    if (created) await routeEnquiry(tx, jobs, sla, created.id, ruleId)
    return created
  })
}

/** Admin filters as they arrive: dates as text. A bare `to` date includes that whole day. */
export interface AdminFilterInput extends Omit<EnquiryFilter, 'from' | 'to'> {
  from?: string
  to?: string
}

const DAY_MS = 86_400_000
const isBareDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value)

export function toEnquiryFilter(input: AdminFilterInput): EnquiryFilter {
  const { from, to, ...rest } = input
  return {
    ...rest,
    ...(from !== undefined ? { from: new Date(from) } : {}),
    ...(to !== undefined
      ? { to: new Date(new Date(to).getTime() + (isBareDate(to) ? DAY_MS : 0)) }
      : {}),
  }
}

export interface Paging {
  page: number
  limit: number
  /** The nextCursor of the previous page: continues after its last row (page then comes from it). */
  cursor?: string | undefined
}

export interface EnquiryPage {
  rows: EnquiryRecord[]
  total: number
  page: number
  /** Where the next page starts, when there is one (orders that support cursors only). */
  nextCursor?: string | null
}

export async function listEnquiryPage(
  db: Db,
  filter: EnquiryFilter,
  order: EnquiryOrder,
  { page, limit, cursor }: Paging,
): Promise<EnquiryPage> {
  if (cursor !== undefined && !supportsCursor(order)) {
    throw validationFailed('Invalid cursor', [
      { field: 'cursor', message: 'is not supported by this list' },
    ])
  }
  const continued =
    cursor !== undefined && supportsCursor(order) ? readCursor(cursor, order) : undefined
  const current = continued?.page ?? page
  const { rows, total } = await listEnquiries(db, filter, order, {
    offset: continued ? 0 : (current - 1) * limit,
    limit,
    after: continued?.after,
  })
  if (!supportsCursor(order)) return { rows, total, page: current }
  const last = rows.at(-1)
  const hasMore = last !== undefined && rows.length === limit && current * limit < total
  return {
    rows,
    total,
    page: current,
    nextCursor: hasMore ? cursorAfter(order, current, last) : null,
  }
}

export const getEnquiry = (db: Db, id: string) => requireEnquiry(db, id)

async function requireEnquiry(db: Db, id: string): Promise<EnquiryRecord> {
  const enquiry = await findEnquiry(db, id)
  if (!enquiry) throw new AppError('ENQUIRY_NOT_FOUND')
  return enquiry
}

/** The enquiry as GET /api/enquiries/:id shows it, without notes or activity (event payloads). */
export async function findEnquiryView(db: Db, id: string) {
  const enquiry = await findEnquiry(db, id)
  return enquiry && toEnquiryView(enquiry)
}

/**
 * Exactly one of any number of simultaneous claims wins; the rest get 409. A counselor with a cap
 * who already holds that many open leads gets 409 too.
 */
export async function claimEnquiry(
  db: Db,
  id: string,
  actor: Actor,
  automation: Automation,
): Promise<EnquiryRecord> {
  const sla = await automation.slaSettings()
  // One statement for an employee without a cap while the SLA is off (the usual case); with the
  // SLA on, the claim and its deadline job commit together.
  const claimed = sla.enabled
    ? await db.transaction(async (tx) => {
        if (!(await claimIfUnclaimed(tx, id, actor.id))) return false
        await startFirstContactClock(tx, automation, id, sla)
        return true
      })
    : await claimIfUnclaimed(db, id, actor.id)
  if (!claimed) {
    const state = await findEnquiryState(db, id)
    if (!state) throw new AppError('ENQUIRY_NOT_FOUND')
    if (owns(actor, state)) throw new AppError('ENQUIRY_ALREADY_YOURS')
    // A capped employee takes the locked path.
    if (
      state.status !== 'unclaimed' ||
      !(await claimWithinCap(db, id, actor.id, automation, sla))
    ) {
      throw new AppError('ENQUIRY_ALREADY_CLAIMED')
    }
  }
  return requireEnquiry(db, id)
}

/**
 * Claims for an employee with their row locked, so that their claims and the routings that could
 * give them a lead run one at a time, each counting their open leads afresh: a cap is never
 * exceeded, however many race. False when the enquiry was taken meanwhile.
 */
async function claimWithinCap(
  db: Db,
  id: string,
  employeeId: string,
  jobs: JobSender,
  sla: SlaSettings,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [employee] = await lockCapacityOf(tx, [employeeId])
    if (!employee?.isActive) return false
    if (employee.maxOpenLeads !== null) {
      const held = (await countOpenLeadsOf(tx, [employeeId])).get(employeeId) ?? 0
      if (held >= employee.maxOpenLeads) {
        const leads = held === 1 ? '1 open enquiry' : `${held} open enquiries`
        throw new AppError('AT_CAPACITY', `You already hold ${leads}, your limit`)
      }
    }
    if (!(await claimIfUnclaimed(tx, id, employeeId, { employeeLocked: true }))) return false
    await startFirstContactClock(tx, jobs, id, sla)
    return true
  })
}

/** A counselor reads the pool and their own leads; an admin reads everything. */
export async function getEnquiryDetail(db: Db, id: string, actor: Actor) {
  const enquiry = await requireEnquiry(db, id)
  const readable =
    isAdmin(actor) || enquiry.status === 'unclaimed' || enquiry.claimedBy?._id === actor.id
  if (!readable) throw new AppError('ENQUIRY_NOT_YOURS')
  const [notes, activity] = await Promise.all([findNotes(db, id), findActivity(db, id)])
  return { enquiry, notes, activity }
}

/** Locks the enquiry for the rest of the transaction; 404 if it does not exist. */
async function lockEnquiry(tx: Db, id: string): Promise<EnquiryState> {
  const state = await findEnquiryState(tx, id, { forUpdate: true })
  if (!state) throw new AppError('ENQUIRY_NOT_FOUND')
  return state
}

function requireOwnerOrAdmin(actor: Actor, state: EnquiryState): void {
  if (!isAdmin(actor) && !owns(actor, state)) {
    throw new AppError(
      'ENQUIRY_NOT_YOURS',
      'Only the counselor who claimed this enquiry, or an admin, may do this',
    )
  }
}

export async function changeStatus(
  db: Db,
  id: string,
  target: StatusTarget,
  actor: Actor,
): Promise<EnquiryRecord> {
  try {
    await db.transaction(async (tx) => {
      const state = await lockEnquiry(tx, id)
      requireOwnerOrAdmin(actor, state)
      if (statusChange(state.status, target, isAdmin(actor)) === 'unchanged') return // nothing recorded
      await setStatus(tx, id, target)
      await recordActivity(tx, {
        enquiryId: id,
        type: 'status_changed',
        actorId: actor.id,
        details: { from: state.status, to: target },
      })
    })
  } catch (error) {
    // Reopening collides with another open lead for the same person.
    if (isUniqueViolation(error)) {
      throw new AppError('DUPLICATE_OPEN_ENQUIRY')
    }
    throw error
  }
  return requireEnquiry(db, id)
}

export async function addNote(db: Db, id: string, text: string, actor: Actor) {
  await db.transaction(async (tx) => {
    const state = await lockEnquiry(tx, id)
    requireOwnerOrAdmin(actor, state)
    const noteId = await insertNote(tx, { enquiryId: id, text, addedBy: actor.id })
    await recordActivity(tx, {
      enquiryId: id,
      type: 'note_added',
      actorId: actor.id,
      details: { noteId },
    })
  })
  return getEnquiryDetail(db, id, actor)
}

/**
 * An admin hands a lead to an active employee, from the pool or from its current owner. Both the
 * enquiry and the employee stay locked until the change and its entry are written.
 */
export async function assignEnquiry(
  db: Db,
  id: string,
  employeeId: string,
  actor: Actor,
  automation: Automation,
): Promise<EnquiryRecord> {
  const sla = await automation.slaSettings()
  await db.transaction(async (tx) => {
    // Employee first, then enquiry: the same order a deactivation takes its locks in. Locked for
    // update, as claims and routings to them are, so that their count of open leads holds.
    const [locked] = await lockCapacityOf(tx, [employeeId])
    const employee = locked?.isActive
      ? { _id: locked._id, name: locked.name, email: locked.email }
      : undefined
    const state = await lockEnquiry(tx, id)
    if (isClosed(state.status))
      throw new AppError('ENQUIRY_CLOSED', `Enquiry is ${state.status} and cannot be assigned`)
    if (!employee) {
      throw new AppError('INVALID_ASSIGNEE', undefined, {
        errors: [{ field: 'employeeId', message: 'must be an active employee' }],
      })
    }
    if (state.claimedBy === employeeId) return // already theirs: nothing changes
    const previousOwner = state.claimedBy
      ? ((await findEmployeeRef(tx, state.claimedBy)) ?? null)
      : null
    const overCapacity = locked && (await capacityExceededBy(tx, locked))
    await assignTo(tx, id, employeeId)
    await recordActivity(tx, {
      enquiryId: id,
      type: 'assigned',
      actorId: actor.id,
      details: {
        employee,
        previousOwner,
        // An admin may assign past a cap (their decision); the entry says so.
        ...(overCapacity
          ? { overCapacity, reason: 'assigned by an admin beyond the counselor’s cap' }
          : {}),
      },
    })
    await startFirstContactClock(tx, automation, id, sla)
  })
  return requireEnquiry(db, id)
}

/** The employee's open leads and cap, when taking one more would exceed it (row locked by the caller). */
async function capacityExceededBy(
  tx: Db,
  employee: Capacity,
): Promise<{ openLeads: number; maxOpenLeads: number } | undefined> {
  if (employee.maxOpenLeads === null) return undefined
  const openLeads = (await countOpenLeadsOf(tx, [employee._id])).get(employee._id) ?? 0
  return openLeads >= employee.maxOpenLeads
    ? { openLeads, maxOpenLeads: employee.maxOpenLeads }
    : undefined
}

/** Gives an open lead back to the pool. */
export async function releaseEnquiry(db: Db, id: string, actor: Actor): Promise<EnquiryRecord> {
  await db.transaction(async (tx) => {
    const state = await lockEnquiry(tx, id)
    if (state.status === 'unclaimed') throw new AppError('ENQUIRY_NOT_CLAIMED')
    if (isClosed(state.status))
      throw new AppError('ENQUIRY_CLOSED', `Enquiry is ${state.status} and cannot be released`)
    requireOwnerOrAdmin(actor, state)
    const previousOwner = state.claimedBy
      ? ((await findEmployeeRef(tx, state.claimedBy)) ?? null)
      : null
    await returnToPool(tx, id)
    await recordActivity(tx, {
      enquiryId: id,
      type: 'released',
      actorId: actor.id,
      details: { previousOwner },
    })
  })
  return requireEnquiry(db, id)
}

/** For the transaction that deactivates an employee: their open leads go back to the pool. */
export async function releaseLeadsOfDeactivated(
  tx: Db,
  employee: EmployeeRef,
  actor: Pick<Actor, 'id'>,
): Promise<number> {
  return releaseOpenLeadsOf(tx, employee._id, actor.id, employee)
}

/** How many enquiries the employee holds in each status after the pool. */
export async function countLeadsByStatusOf(db: Db, employeeId: string) {
  const counts = await countEnquiriesByStatusOf(db, employeeId)
  return {
    claimed: counts.claimed ?? 0,
    contacted: counts.contacted ?? 0,
    converted: counts.converted ?? 0,
    lost: counts.lost ?? 0,
  }
}
