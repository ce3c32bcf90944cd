import type { Static } from 'typebox'
import type { Db } from '../../db/client.js'
import type { EnquiryPriority } from '../../db/schema/index.js'
import { type FieldError, validationFailed } from '../../errors.js'
import { recordAudit } from '../audit/service.js'
import { dueAfter, durationMs, isTimeZone } from './clock.js'
import { readSetting, writeSetting } from './repository.js'
import type { SlaSettingsBody } from './schemas.js'

export type SlaSettings = Static<typeof SlaSettingsBody>

const KEY = 'sla'

/** Off until an admin turns it on: then leads claimed afterwards get a first-contact deadline. */
export const DEFAULT_SLA: SlaSettings = {
  enabled: false,
  firstContact: { high: 'PT30M', medium: 'PT4H', low: 'P1D' },
  businessHours: null,
  onBreach: 'notify',
  warnBefore: null,
}

export async function getSlaSettings(db: Db): Promise<SlaSettings> {
  const stored = (await readSetting(db, KEY)) as SlaSettings | undefined
  return stored ?? DEFAULT_SLA
}

/** Durations must be ISO 8601 and positive, the zone an IANA name, the day end after its start. */
function checkSettings(settings: SlaSettings): void {
  const errors: FieldError[] = []
  for (const priority of ['high', 'medium', 'low'] as const) {
    const ms = durationMs(settings.firstContact[priority])
    if (ms === undefined || ms <= 0) {
      errors.push({
        field: `firstContact.${priority}`,
        message: 'must be a positive ISO 8601 duration, such as PT30M',
      })
    }
  }
  if (settings.warnBefore !== null && durationMs(settings.warnBefore) === undefined) {
    errors.push({ field: 'warnBefore', message: 'must be an ISO 8601 duration, such as PT10M' })
  }
  const hours = settings.businessHours
  if (hours) {
    if (!isTimeZone(hours.timeZone)) {
      errors.push({
        field: 'businessHours.timeZone',
        message: 'must be an IANA time zone name, such as Europe/London',
      })
    }
    if (hours.end <= hours.start) {
      errors.push({ field: 'businessHours.end', message: 'must be after start' })
    }
  }
  if (errors.length > 0) throw validationFailed('Invalid SLA settings', errors)
}

/** Applies to leads that get an owner afterwards; running deadlines keep theirs. */
export async function putSlaSettings(
  db: Db,
  settings: SlaSettings,
  actorId: string,
): Promise<SlaSettings> {
  checkSettings(settings)
  await db.transaction(async (tx) => {
    await writeSetting(tx, KEY, settings)
    await recordAudit(tx, { action: 'sla_settings.changed', actorId, details: { settings } })
  })
  return settings
}

export interface FirstContactClock {
  dueAt: Date
  /** When to warn; none without warnBefore, or when that would be before the clock started. */
  warnAt: Date | null
}

/** The deadline (and warning) for a lead of that priority whose clock starts at `start`. */
export function firstContactClock(
  settings: SlaSettings,
  priority: EnquiryPriority,
  start: Date,
): FirstContactClock {
  const dueAt = dueAfter(start, settings.firstContact[priority], settings.businessHours)
  const warnMs = settings.warnBefore === null ? undefined : durationMs(settings.warnBefore)
  const warnAt = warnMs === undefined ? null : new Date(dueAt.getTime() - warnMs)
  return { dueAt, warnAt: warnAt && warnAt > start ? warnAt : null }
}

export type SlaState = 'on_track' | 'due_soon' | 'breached' | 'met'

/** An enquiry's SLA state now; null when no clock ever ran for its current owner. */
export function slaState(
  times: {
    firstContactDueAt: Date | null
    firstContactWarnAt: Date | null
    firstContactedAt: Date | null
  },
  now = new Date(),
): SlaState | null {
  const { firstContactDueAt: due, firstContactWarnAt: warn, firstContactedAt: contacted } = times
  if (due === null) return null
  if (contacted !== null) return contacted <= due ? 'met' : 'breached'
  if (now >= due) return 'breached'
  if (warn !== null && now >= warn) return 'due_soon'
  return 'on_track'
}
