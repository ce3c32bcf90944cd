import { DateTime } from 'luxon'
import type { Db } from '../../db/client.js'
import { AppError, validationFailed } from '../../errors.js'
import type { JobSender } from './first-contact.js'
import {
  type EnquiryRecord,
  type FollowUpJob,
  findEnquiryState,
  listFollowUps,
  recordActivity,
  recordFollowUpDueIfStillSet,
  setFollowUpOf,
} from './repository.js'
import { isClosed } from './rules.js'
import { type Actor, getEnquiry, type Paging } from './service.js'

/** Follow-ups: the owner's reminder to get back to a lead, due as a durable job. */

export const FOLLOW_UP_DUE = 'follow-up-due'

const isAdmin = (actor: Actor) => actor.role === 'admin'

/** Sets (`at`) or clears (null) the lead's follow-up, as its owner or an admin. */
export async function setFollowUp(
  db: Db,
  jobs: JobSender,
  id: string,
  followUp: { at: Date; note: string | null } | null,
  actor: Actor,
): Promise<EnquiryRecord> {
  await db.transaction(async (tx) => {
    const state = await findEnquiryState(tx, id, { forUpdate: true })
    if (!state) throw new AppError('ENQUIRY_NOT_FOUND')
    if (isClosed(state.status)) {
      throw new AppError('ENQUIRY_CLOSED', `Enquiry is ${state.status}: no follow-up`)
    }
    if (state.claimedBy === null) throw new AppError('ENQUIRY_NOT_CLAIMED')
    if (!isAdmin(actor) && state.claimedBy !== actor.id) {
      throw new AppError(
        'ENQUIRY_NOT_YOURS',
        'Only the counselor who claimed this enquiry, or an admin, may do this',
      )
    }
    await setFollowUpOf(tx, id, followUp)
    await recordActivity(tx, {
      enquiryId: id,
      type: 'follow_up_set',
      actorId: actor.id,
      details: {
        followUpAt: followUp?.at.toISOString() ?? null,
        note: followUp?.note ?? null,
      },
    })
    if (followUp) {
      const job: FollowUpJob = { enquiryId: id, at: followUp.at.toISOString() }
      await jobs.send(tx, FOLLOW_UP_DUE, job, { startAfter: followUp.at })
    }
  })
  return getEnquiry(db, id)
}

/** The job: a `follow_up_due` entry, if that follow-up is still the lead's. */
export async function followUpFallsDue(db: Db, job: FollowUpJob): Promise<void> {
  await recordFollowUpDueIfStillSet(db, job)
}

export type FollowUpWhen = 'overdue' | 'today' | 'upcoming'

/**
 * The caller's follow-ups (an admin's: everyone's, or one counselor's with `claimedBy`), soonest
 * first: overdue (before now), today (in the time zone `tz`), upcoming (from now on).
 */
export async function listFollowUpPage(
  db: Db,
  query: { when: FollowUpWhen; tz: string; claimedBy?: string | undefined },
  paging: Paging,
  actor: Actor,
  now = new Date(),
): Promise<{ rows: EnquiryRecord[]; total: number }> {
  if (query.claimedBy !== undefined && !isAdmin(actor) && query.claimedBy !== actor.id) {
    throw new AppError('ADMIN_ONLY', "Only an admin may list another counselor's follow-ups")
  }
  const local = DateTime.fromJSDate(now, { zone: query.tz })
  if (!local.isValid) {
    throw validationFailed('Invalid time zone', [
      { field: 'tz', message: 'must be an IANA time zone name, such as Europe/London' },
    ])
  }
  const range =
    query.when === 'overdue'
      ? { to: now }
      : query.when === 'upcoming'
        ? { from: now }
        : {
            from: local.startOf('day').toJSDate(),
            to: local.startOf('day').plus({ days: 1 }).toJSDate(),
          }
  const claimedBy = query.claimedBy ?? (isAdmin(actor) ? undefined : actor.id)
  return listFollowUps(
    db,
    { ...range, ...(claimedBy !== undefined ? { claimedBy } : {}) },
    { offset: (paging.page - 1) * paging.limit, limit: paging.limit },
  )
}
