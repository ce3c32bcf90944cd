import { asc, gt } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type ActivityType, activity } from '../../db/schema/index.js'

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
