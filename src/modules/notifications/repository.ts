import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { activity, employees, enquiries } from '../../db/schema/index.js'

/** Of these employees, the active ones who want email. */
export async function employeesWantingEmail(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db
    .select({ id: employees.id })
    .from(employees)
    .where(
      and(
        inArray(employees.id, ids),
        eq(employees.isActive, true),
        eq(employees.emailNotifications, true),
      ),
    )
  return rows.map((row) => row.id)
}

export async function activeAdminIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.role, 'admin'), eq(employees.isActive, true)))
  return rows.map((row) => row.id)
}

/** The current owner of each enquiry. */
export async function ownersOf(db: Db, enquiryIds: string[]): Promise<Map<string, string>> {
  if (enquiryIds.length === 0) return new Map()
  const rows = await db
    .select({ id: enquiries.id, owner: enquiries.claimedBy })
    .from(enquiries)
    .where(inArray(enquiries.id, enquiryIds))
  return new Map(rows.flatMap((row) => (row.owner ? [[row.id, row.owner] as const] : [])))
}

export interface MailFacts {
  recipient: { name: string; email: string }
  enquiry: { id: string; name: string; courseInterest: string }
  activityType: string
  details: Record<string, unknown>
}

/**
 * What a mail needs, read when it is sent; undefined when it should not be sent any more (the
 * recipient opted out or left, the enquiry is gone).
 */
export async function findMailFacts(
  db: Db,
  activityId: string,
  recipientId: string,
): Promise<MailFacts | undefined> {
  const [row] = await db
    .select({
      recipientName: employees.name,
      recipientEmail: employees.email,
      enquiryId: enquiries.id,
      enquiryName: enquiries.name,
      courseInterest: enquiries.courseInterest,
      activityType: sql<string>`${activity.type}::text`,
      details: activity.details,
    })
    .from(activity)
    .innerJoin(enquiries, eq(enquiries.id, activity.enquiryId))
    .innerJoin(
      employees,
      and(
        eq(employees.id, recipientId),
        eq(employees.isActive, true),
        eq(employees.emailNotifications, true),
      ),
    )
    .where(eq(activity.id, activityId))
  if (!row) return undefined
  return {
    recipient: { name: row.recipientName, email: row.recipientEmail },
    enquiry: { id: row.enquiryId, name: row.enquiryName, courseInterest: row.courseInterest },
    activityType: row.activityType,
    details: row.details as Record<string, unknown>,
  }
}
