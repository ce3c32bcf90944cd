import { asc, gt, inArray } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type ActivityType, activity, eventOutbox } from '../../db/schema/index.js'
import { type EventType, eventTypeOfActivity, type OutboundEvent } from './catalogue.js'

export interface ActivityEvent {
  id: string
  enquiryId: string
  type: ActivityType
  at: Date
}

/**
 * Activity entries after an id, oldest first. Ids are ObjectIds, whose first 8 hex digits are the
 * creation second, so "after the id of a moment" is an index range on the primary key.
 */
export function activityAfter(db: Db, afterId: string, limit: number): Promise<ActivityEvent[]> {
  return db
    .select({
      id: activity.id,
      enquiryId: activity.enquiryId,
      type: activity.type,
      at: activity.at,
    })
    .from(activity)
    .where(gt(activity.id, afterId))
    .orderBy(asc(activity.id))
    .limit(limit)
}

/** Records an event that has no activity entry (an employee deactivated), in the caller's transaction. */
export async function insertOutboxEvent(
  db: Db,
  event: { eventType: string; employeeId: string; actorId: string | null },
): Promise<void> {
  await db.insert(eventOutbox).values(event)
}

/**
 * Takes up to `limit` events off the outbox, oldest first, with their activity entries. Rows
 * another instance is taking are skipped, so each event is taken once; run it in the transaction
 * that also enqueues what the events cause, so a failure puts them back.
 */
export async function takeOutboxEvents(db: Db, limit: number): Promise<OutboundEvent[]> {
  const taken = await db
    .delete(eventOutbox)
    .where(
      inArray(
        eventOutbox.seq,
        db
          .select({ seq: eventOutbox.seq })
          .from(eventOutbox)
          .orderBy(asc(eventOutbox.seq))
          .limit(limit)
          .for('update', { skipLocked: true }),
      ),
    )
    .returning()
  if (taken.length === 0) return []
  taken.sort((a, b) => a.seq - b.seq)
  const activityIds = taken.flatMap((row) => (row.activityId ? [row.activityId] : []))
  const entries =
    activityIds.length === 0
      ? []
      : await db
          .select({
            id: activity.id,
            type: activity.type,
            enquiryId: activity.enquiryId,
            details: activity.details,
          })
          .from(activity)
          .where(inArray(activity.id, activityIds))
  const entryById = new Map(entries.map((entry) => [entry.id, entry]))
  return taken.map((row) => {
    const entry = row.activityId ? entryById.get(row.activityId) : undefined
    return {
      id: row.eventId,
      type: entry
        ? eventTypeOfActivity(entry.type)
        : ((row.eventType as EventType | null) ?? undefined),
      activityType: entry?.type,
      enquiryId: entry?.enquiryId ?? null,
      employeeId: row.employeeId,
      actorId: row.actorId,
      at: row.at,
      details: (entry?.details ?? {}) as Record<string, unknown>,
    }
  })
}
