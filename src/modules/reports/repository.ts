import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import {
  activity,
  employees,
  enquiries,
  enquiryPriorities,
  enquirySources,
  enquiryStatuses,
} from '../../db/schema/index.js'
import { type EnquiryFilter, whereOf } from '../enquiries/service.js'

/** Every figure is an aggregate computed by the database; no rows are pulled into JavaScript. */

const countWhere = (condition: SQL) =>
  sql<number>`count(*) FILTER (WHERE ${condition})`.mapWith(Number)

/** `{prefix + value: count of rows whose column has that value}`, one FILTER aggregate each. */
function countsBy(
  prefix: string,
  column: AnyPgColumn,
  values: readonly string[],
): Record<string, SQL<number>> {
  return Object.fromEntries(
    values.map((value) => [`${prefix}${value}`, countWhere(sql`${column} = ${value}`)]),
  )
}

/** Reads back what countsBy selected, without the prefix. */
export function unprefix<T extends string>(
  row: Record<string, unknown>,
  prefix: string,
  values: readonly T[],
): Record<T, number> {
  return Object.fromEntries(
    values.map((value) => [value, Number(row[`${prefix}${value}`] ?? 0)]),
  ) as Record<T, number>
}

/** A lead counts as contacted once it reached contacted, even if it was lost afterwards. */
const wasContacted = sql`(${enquiries.status} IN ('contacted', 'converted') OR EXISTS (
  SELECT 1 FROM ${activity} WHERE ${activity.enquiryId} = ${enquiries.id}
    AND ${activity.type} = 'status_changed' AND ${activity.details}->>'to' = 'contacted'))`

export async function summarize(db: Db, filter: EnquiryFilter) {
  const where = whereOf(filter)
  // When each lead was first taken: its first claim or assignment (later releases do not reset it).
  const firstTaken = db
    .select({
      enquiryId: activity.enquiryId,
      at: sql<Date>`min(${activity.at})`.as('first_taken_at'),
    })
    .from(activity)
    .where(inArray(activity.type, ['claimed', 'assigned']))
    .groupBy(activity.enquiryId)
    .as('first_taken')
  const secondsToClaim = sql`extract(epoch FROM ${firstTaken.at} - ${enquiries.createdAt})`

  const [totals] = await db
    .select({
      submitted: sql<number>`count(*)`.mapWith(Number),
      taken: countWhere(sql`${enquiries.status} <> 'unclaimed'`),
      contacted: countWhere(wasContacted),
      medianSeconds: sql<
        number | null
      >`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${secondsToClaim})`.mapWith((value) =>
        value === null ? null : Number(value),
      ),
      p90Seconds: sql<
        number | null
      >`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${secondsToClaim})`.mapWith((value) =>
        value === null ? null : Number(value),
      ),
      oldestUnclaimedAt: sql<
        string | null
      >`min(${enquiries.createdAt}) FILTER (WHERE ${enquiries.status} = 'unclaimed')`,
      ...countsBy('status_', enquiries.status, enquiryStatuses),
      ...countsBy('source_', enquiries.source, enquirySources),
      ...countsBy('priority_', enquiries.priority, enquiryPriorities),
    })
    .from(enquiries)
    .leftJoin(firstTaken, eq(firstTaken.enquiryId, enquiries.id))
    .where(where)

  const byCourse = await db
    .select({ courseInterest: enquiries.courseInterest, count: sql<number>`count(*)::int` })
    .from(enquiries)
    .where(where)
    .groupBy(enquiries.courseInterest)
    .orderBy(desc(sql`count(*)`), asc(enquiries.courseInterest))

  const held = db
    .select({
      claimedBy: enquiries.claimedBy,
      claimed: countWhere(sql`${enquiries.status} = 'claimed'`).as('claimed'),
      contacted: countWhere(sql`${enquiries.status} = 'contacted'`).as('contacted'),
      converted: countWhere(sql`${enquiries.status} = 'converted'`).as('converted'),
      lost: countWhere(sql`${enquiries.status} = 'lost'`).as('lost'),
    })
    .from(enquiries)
    .where(and(where, sql`${enquiries.claimedBy} IS NOT NULL`))
    .groupBy(enquiries.claimedBy)
    .as('held')
  const counselors = await db
    .select({
      _id: employees.id,
      name: employees.name,
      claimed: sql<number>`coalesce(${held.claimed}, 0)`.mapWith(Number),
      contacted: sql<number>`coalesce(${held.contacted}, 0)`.mapWith(Number),
      converted: sql<number>`coalesce(${held.converted}, 0)`.mapWith(Number),
      lost: sql<number>`coalesce(${held.lost}, 0)`.mapWith(Number),
      conversionRate: sql<number>`round(coalesce(${held.converted}::numeric
        / nullif(${held.claimed} + ${held.contacted} + ${held.converted} + ${held.lost}, 0), 0), 4)`.mapWith(
        Number,
      ),
    })
    .from(employees)
    .leftJoin(held, eq(held.claimedBy, employees.id))
    .where(
      or(
        sql`${held.claimedBy} IS NOT NULL`,
        and(eq(employees.role, 'counselor'), eq(employees.isActive, true)),
      ),
    )
    .orderBy(asc(employees.name), asc(employees.id))

  return { totals, byCourse, counselors }
}
