import type { Db } from '../../db/client.js'
import type { EmployeeRef } from '../../db/schema/index.js'
import type { JobQueue } from '../../plugins/jobs.js'
import { findEmployeeRef } from '../employees/service.js'
import {
  decideOwner,
  firstMatchingRule,
  ROTATION_REASON,
  type Roster,
  type RoutingRule,
} from '../routing/service.js'
import { firstContactClock, type SlaSettings } from '../sla/service.js'
import {
  assignByRotation,
  assignTo,
  type ClockJob,
  findClockBasis,
  markBreachedIfUncontacted,
  recordActivity,
  recordWarningIfUncontacted,
  returnToPool,
  setFirstContactClock,
} from './repository.js'

/**
 * Routing and the first-contact clock: what happens to a lead that gets an owner without a person
 * claiming it, and when its owner does not contact it in time. Deadlines are jobs on the durable
 * queue, sent in the transaction that gave the lead its owner.
 */

export type JobSender = Pick<JobQueue, 'send'>

/**
 * What routing and the first-contact clock need besides the database: the job queue, and the
 * active routing rules and SLA settings (read on every submission and claim, so the routes give
 * cached ones). Read them before a transaction, never in one: they read outside it, and on the
 * embedded database (one connection) such a read waits for the transaction to end.
 */
export interface Automation extends JobSender {
  activeRules(): Promise<RoutingRule[]>
  slaSettings(): Promise<SlaSettings>
  /** A round-robin rule's roster (cached: a stale one routes nothing, see insertRoutedFromRoster). */
  roster(ruleId: string): Promise<Roster | undefined>
  /** A roster was found stale: read the rosters afresh. */
  forgetRosters(): void
}

export const FIRST_CONTACT_DEADLINE = 'first-contact-deadline'
export const FIRST_CONTACT_WARNING = 'first-contact-warning'

/**
 * Starts the owner's first-contact clock when the SLA is on and the lead is `claimed`: the
 * deadline (and warning) by its priority from the moment they got it, with their jobs.
 */
export async function startFirstContactClock(
  tx: Db,
  jobs: JobSender,
  id: string,
  sla: SlaSettings,
): Promise<void> {
  if (!sla.enabled) return
  const basis = await findClockBasis(tx, id)
  if (basis?.status !== 'claimed' || !basis.claimedBy || !basis.claimedAt) return
  const clock = firstContactClock(sla, basis.priority, basis.claimedAt)
  await setFirstContactClock(tx, id, clock)
  const job: ClockJob = {
    enquiryId: id,
    ownerId: basis.claimedBy,
    claimedAt: basis.claimedAt.toISOString(),
  }
  await jobs.send(tx, FIRST_CONTACT_DEADLINE, job, { startAfter: clock.dueAt })
  if (clock.warnAt) await jobs.send(tx, FIRST_CONTACT_WARNING, job, { startAfter: clock.warnAt })
}

/**
 * Gives the enquiry to whom the rule decides (starting their clock), or leaves it in the pool
 * saying why. False when it stays in the pool. A plain rotation routes in one statement
 * (`assignByRotation`); caps, least-loaded, exclusions and nobody eligible take the general path.
 */
export async function routeEnquiry(
  tx: Db,
  jobs: JobSender,
  sla: SlaSettings,
  id: string,
  ruleId: string,
  options: { exclude?: string[] } = {},
): Promise<boolean> {
  const rotated =
    options.exclude === undefined && (await assignByRotation(tx, id, ruleId, ROTATION_REASON))
  if (!rotated) {
    const decision = await decideOwner(tx, ruleId, options)
    if (!decision) return false
    const { rule, strategy, reason, employee } = decision
    if (!employee) {
      await recordActivity(tx, {
        enquiryId: id,
        type: 'left_in_pool',
        actorId: null,
        details: { rule, strategy, reason },
      })
      return false
    }
    await assignTo(tx, id, employee._id)
    await recordActivity(tx, {
      enquiryId: id,
      type: 'assigned',
      actorId: null,
      details: { employee, previousOwner: null, rule, strategy, reason },
    })
  }
  await startFirstContactClock(tx, jobs, id, sla)
  return true
}

/**
 * The deadline job. Acts only through a conditional UPDATE that finds the lead still the same
 * owner's same claim and uncontacted, so a first contact that lands first always wins; a job run
 * twice acts once. Then per `onBreach`: notify (the entry only), release, or reassign.
 */
export async function actOnFirstContactDeadline(
  db: Db,
  automation: Automation,
  job: ClockJob,
): Promise<void> {
  const [sla, activeRules] = await Promise.all([automation.slaSettings(), automation.activeRules()])
  const { onBreach } = sla
  await db.transaction(async (tx) => {
    const breached = await markBreachedIfUncontacted(tx, job)
    if (!breached) return
    const owner: EmployeeRef | null = (await findEmployeeRef(tx, job.ownerId)) ?? null
    await recordActivity(tx, {
      enquiryId: job.enquiryId,
      type: 'sla_breached',
      actorId: null,
      details: {
        ...(owner ? { employee: owner } : {}),
        ...(breached.dueAt ? { dueAt: breached.dueAt.toISOString() } : {}),
        reason: 'no first contact before the deadline',
        // What the SLA did about it: notify only, release to the pool, or reassign.
        action: onBreach,
      },
    })
    if (onBreach === 'notify') return
    await returnToPool(tx, job.enquiryId)
    await recordActivity(tx, {
      enquiryId: job.enquiryId,
      type: 'released',
      actorId: null,
      details: { previousOwner: owner, reason: 'sla' },
    })
    if (onBreach !== 'reassign') return
    const ruleId = firstMatchingRule(activeRules, breached)?.id
    if (ruleId) {
      await routeEnquiry(tx, automation, sla, job.enquiryId, ruleId, { exclude: [job.ownerId] })
    }
  })
}

/** The warning job: an `sla_warning` entry, once, if the clock still runs. */
export async function warnOfFirstContactDeadline(db: Db, job: ClockJob): Promise<void> {
  await recordWarningIfUncontacted(db, job)
}
