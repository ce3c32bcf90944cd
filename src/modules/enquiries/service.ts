import type { Db } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import { objectId } from '../../db/schema/columns.js'
import type { Employee, EmployeeRef } from '../../db/schema/index.js'
import { AppError, validationFailed } from '../../errors.js'
import { findEmployeeRef, shareLockActiveEmployee } from '../employees/service.js'
import { cursorAfter, readCursor, supportsCursor } from './cursor.js'
import { type EnquiryFilter, type EnquiryOrder, listEnquiries } from './listing.js'
import {
  absorbResubmission,
  assignTo,
  claimIfUnclaimed,
  countEnquiriesByStatusOf,
  type EnquiryRecord,
  type EnquiryState,
  findActivity,
  findEnquiry,
  findEnquiryState,
  findNotes,
  insertEnquiryUnlessOpenDuplicate,
  insertNote,
  type NewEnquiry,
  recordActivity,
  releaseOpenLeadsOf,
  returnToPool,
  setStatus,
} from './repository.js'
import { isClosed, type StatusTarget, statusChange } from './rules.js'
import { toEnquiryView } from './views.js'

export type Actor = Pick<Employee, 'id' | 'role'>

/** The filters of the enquiry lists, as SQL, for other modules' aggregates (the stats). */
export { type EnquiryFilter, whereOf } from './listing.js'

const isAdmin = (actor: Actor) => actor.role === 'admin'
const owns = (actor: Actor, state: EnquiryState) => state.claimedBy === actor.id

/**
 * A public form submission. A person with an open lead (same email, or same phone digits) does not
 * get a second one: the open lead records the resubmission and keeps the higher priority. The
 * partial unique indexes decide, so simultaneous identical submissions leave exactly one lead.
 */
export async function submitEnquiry(
  db: Db,
  input: NewEnquiry & { website?: string | undefined },
): Promise<{ id: string; submittedAt: Date; created: boolean }> {
  // The form's hidden honeypot field: people never fill it, bots do. A bot is answered as a person
  // would be, so it learns nothing, and nothing is stored.
  if (input.website) return { id: objectId(), submittedAt: new Date(), created: false }
  const priority = input.priority ?? 'medium'
  // A retry is needed only if the open lead we collided with was closed in between.
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await insertEnquiryUnlessOpenDuplicate(db, input)
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
      return { id: existing.id, submittedAt: existing.updatedAt, created: false }
    })
    if (outcome) return outcome
  }
  throw new AppError('SUBMISSION_CONFLICT')
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

/** Exactly one of any number of simultaneous claims wins; the rest get 409. */
export async function claimEnquiry(db: Db, id: string, actor: Actor): Promise<EnquiryRecord> {
  if (!(await claimIfUnclaimed(db, id, actor.id))) {
    const state = await findEnquiryState(db, id)
    if (!state) throw new AppError('ENQUIRY_NOT_FOUND')
    if (owns(actor, state)) throw new AppError('ENQUIRY_ALREADY_YOURS')
    throw new AppError('ENQUIRY_ALREADY_CLAIMED')
  }
  return requireEnquiry(db, id)
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
): Promise<EnquiryRecord> {
  await db.transaction(async (tx) => {
    // Employee first, then enquiry: the same order a deactivation takes its locks in.
    const employee = await shareLockActiveEmployee(tx, employeeId)
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
    await assignTo(tx, id, employeeId)
    await recordActivity(tx, {
      enquiryId: id,
      type: 'assigned',
      actorId: actor.id,
      details: { employee, previousOwner },
    })
  })
  return requireEnquiry(db, id)
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
