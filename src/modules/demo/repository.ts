import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { activity, type EnquiryStatus, employees, enquiries, notes } from '../../db/schema/index.js'
import type { DemoPipeline } from './plan.js'

export async function countEnquiries(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(enquiries)
  return row?.count ?? 0
}

export interface ExistingEmployee {
  _id: string
  name: string
  email: string
  isActive: boolean
}

/** The employees that already have these emails (in any case), by lowercased email. */
export async function findEmployeesByEmail(
  db: Db,
  emails: string[],
): Promise<Map<string, ExistingEmployee>> {
  const rows = await db
    .select({
      _id: employees.id,
      name: employees.name,
      email: employees.email,
      isActive: employees.isActive,
    })
    .from(employees)
    .where(
      sql`lower(${employees.email}) IN (${sql.join(
        emails.map((email) => sql`${email.toLowerCase()}`),
        sql`, `,
      )})`,
    )
  return new Map(rows.map((row) => [row.email.toLowerCase(), row]))
}

const BATCH = 1000
const inBatches = <T>(rows: T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, i) =>
    rows.slice(i * BATCH, (i + 1) * BATCH),
  )

/**
 * Inserts the planned enquiries with their notes and activity (the status-count triggers fire as
 * for any insert). An enquiry that would be a second open lead for someone is left out, with its
 * notes and activity. Returns the status of each enquiry written and how many notes and entries.
 */
export async function insertPipeline(
  db: Db,
  pipeline: DemoPipeline,
): Promise<{ statuses: EnquiryStatus[]; notes: number; activity: number }> {
  const written: { id: string; status: EnquiryStatus }[] = []
  for (const batch of inBatches(pipeline.enquiries)) {
    written.push(
      ...(await db
        .insert(enquiries)
        .values(batch)
        .onConflictDoNothing()
        .returning({ id: enquiries.id, status: enquiries.status })),
    )
  }
  const kept = new Set(written.map((row) => row.id))
  const keptNotes = pipeline.notes.filter((note) => kept.has(note.enquiryId))
  const keptActivity = pipeline.activity.filter((entry) => kept.has(entry.enquiryId))
  for (const batch of inBatches(keptNotes)) await db.insert(notes).values(batch)
  for (const batch of inBatches(keptActivity)) await db.insert(activity).values(batch)
  return {
    statuses: written.map((row) => row.status),
    notes: keptNotes.length,
    activity: keptActivity.length,
  }
}
