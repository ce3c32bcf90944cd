import type { Db } from '../../db/client.js'
import type { Employee } from '../../db/schema/index.js'
import { recordAudit } from '../audit/service.js'
import { getEnquiryDetail } from '../enquiries/service.js'
import {
  anonymiseEnquiries,
  type ConsentRecord,
  findClosedBefore,
  findConsents,
  findSubjectEnquiryIds,
  lockUnerased,
  recordErasures,
  type SubjectLookup,
} from './repository.js'

export type { SubjectLookup }

type Admin = Pick<Employee, 'id' | 'role'>

const lookupKind = (lookup: SubjectLookup) => ('email' in lookup ? 'email' : 'phone')

/**
 * A subject access request: every enquiry of the person with its notes, activity and consent
 * records. Read in one transaction with its audit entry, so no answer goes out unrecorded.
 */
export async function exportSubject(db: Db, lookup: SubjectLookup, admin: Admin) {
  return db.transaction(async (tx) => {
    const ids = await findSubjectEnquiryIds(tx, lookup)
    const details = []
    for (const id of ids) details.push(await getEnquiryDetail(tx, id, admin))
    const consents = await findConsents(tx, ids)
    await recordAudit(tx, {
      action: 'privacy.subject_accessed',
      actorId: admin.id,
      details: { lookup: lookupKind(lookup), enquiryIds: ids },
    })
    return details.map((detail) => ({
      ...detail,
      consents: consents.filter((consent) => consent.enquiryId === detail.enquiry._id),
    }))
  })
}

export type SubjectEnquiry = Awaited<ReturnType<typeof exportSubject>>[number]
export type { ConsentRecord }

export interface Erasure {
  /** Who asked for it: an admin, or null for the system (the retention job). */
  actor: Pick<Employee, 'id'> | null
  reason: string
}

/**
 * Erases these enquiries (those not erased already) inside the caller's transaction: what
 * identifies the person becomes the marker, the activity keeps its entries with their details
 * scrubbed, and each gets an `erased` entry. Returns the ids it erased; none on a second call.
 * The retention job calls this for the enquiries past their time.
 */
export async function eraseEnquiries(tx: Db, ids: string[], erasure: Erasure): Promise<string[]> {
  const erasing = await lockUnerased(tx, ids)
  if (erasing.length === 0) return []
  await anonymiseEnquiries(tx, erasing)
  await recordErasures(tx, erasing, erasure.actor?.id ?? null, erasure.reason)
  return erasing
}

/**
 * An erasure request: every enquiry of the person erased in one transaction (with the caller's,
 * if given one), with its audit entry. Idempotent: a second request finds nothing left to erase.
 */
export async function eraseSubject(
  db: Db,
  lookup: SubjectLookup,
  erasure: Erasure,
): Promise<{ enquiryIds: string[] }> {
  return db.transaction(async (tx) => {
    const enquiryIds = await eraseEnquiries(tx, await findSubjectEnquiryIds(tx, lookup), erasure)
    await recordAudit(tx, {
      action: 'privacy.subject_erased',
      actorId: erasure.actor?.id ?? null,
      details: { lookup: lookupKind(lookup), reason: erasure.reason, enquiryIds },
    })
    return { enquiryIds }
  })
}

const RETENTION_BATCH = 500

/**
 * The retention run: erases, in transactions of up to 500, every enquiry converted or lost more
 * than `days` days ago (reason `retention`), each batch with its audit entry. Open enquiries are
 * never touched. Returns how many it erased; safe to run twice (erased ones are skipped).
 */
export async function eraseExpiredEnquiries(db: Db, days: number): Promise<number> {
  const cutoff = new Date(Date.now() - days * 86_400_000)
  let erased = 0
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const ids = await eraseEnquiries(tx, await findClosedBefore(tx, cutoff, RETENTION_BATCH), {
        actor: null,
        reason: 'retention',
      })
      if (ids.length > 0) {
        await recordAudit(tx, {
          action: 'privacy.retention_erased',
          actorId: null,
          details: { closedBefore: cutoff.toISOString(), count: ids.length, enquiryIds: ids },
        })
      }
      return ids.length
    })
    erased += batch
    if (batch < RETENTION_BATCH) return erased
  }
}
