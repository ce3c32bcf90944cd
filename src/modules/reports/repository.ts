import { and, asc, desc, eq, gte, inArray, or, type SQL, sql } from 'drizzle-orm'
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

/** How many days `byDay` covers, ending today. */
export const DAYS = 30

const nullableNumber = (value: unknown) => (value === null ? null : Number(value))

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
      >`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${secondsToClaim})`.mapWith(nullableNumber),
      p90Seconds: sql<
        number | null
      >`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${secondsToClaim})`.mapWith(nullableNumber),
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

  // Each counselor's speed: from an enquiry's creation to their own first claim or assignment of it.
  const takerId = sql<string>`CASE WHEN ${activity.type} = 'claimed' THEN ${activity.actorId}
    ELSE ${activity.details}->'employee'->>'_id' END`
  const takes = db
    .select({
      enquiryId: activity.enquiryId,
      takerId: takerId.as('taker_id'),
      at: sql<Date>`min(${activity.at})`.as('taken_at'),
    })
    .from(activity)
    .where(inArray(activity.type, ['claimed', 'assigned']))
    .groupBy(activity.enquiryId, takerId)
    .as('takes')
  const speed = db
    .select({
      takerId: takes.takerId,
      medianSeconds: sql<number>`percentile_cont(0.5) WITHIN GROUP
        (ORDER BY extract(epoch FROM ${takes.at} - ${enquiries.createdAt}))`.as('median_seconds'),
    })
    .from(takes)
    .innerJoin(enquiries, eq(enquiries.id, takes.enquiryId))
    .where(where)
    .groupBy(takes.takerId)
    .as('speed')

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
      openLeads: sql<number>`coalesce(${held.claimed} + ${held.contacted}, 0)`.mapWith(Number),
      medianSecondsToClaim: sql<number | null>`${speed.medianSeconds}`.mapWith(nullableNumber),
    })
    .from(employees)
    .leftJoin(held, eq(held.claimedBy, employees.id))
    .leftJoin(speed, eq(speed.takerId, employees.id))
    .where(
      or(
        sql`${held.claimedBy} IS NOT NULL`,
        and(eq(employees.role, 'counselor'), eq(employees.isActive, true)),
      ),
    )
    .orderBy(asc(employees.name), asc(employees.id))

  return {
    totals,
    byCourse,
    counselors,
    byDay: await countByDay(db, where),
    firstContact: await firstContactFigures(db, where),
    byRule: await routedByRule(db, where),
  }
}

const secondsToFirstContact = sql`extract(epoch FROM ${enquiries.firstContactedAt} - ${enquiries.claimedAt})`
const firstContactPercentile = (fraction: 0.5 | 0.9) =>
  sql<
    number | null
  >`percentile_cont(${sql.raw(String(fraction))}) WITHIN GROUP (ORDER BY ${secondsToFirstContact})`.mapWith(
    nullableNumber,
  )

/**
 * Time to first contact (from the current owner's claim to the first status change away from
 * claimed) and the SLA met rate, overall and per owner. A lead counts as met when first contacted
 * by its deadline, as missed when contacted late or when its deadline passed (an `sla_breached`
 * entry, even if it was released or reassigned after).
 */
async function firstContactFigures(db: Db, where: SQL | undefined) {
  const breaches = db
    .select({
      ownerId: sql<string>`${activity.details}->'employee'->>'_id'`.as('owner_id'),
      enquiryId: activity.enquiryId,
    })
    .from(activity)
    .innerJoin(enquiries, eq(enquiries.id, activity.enquiryId))
    .where(and(where, eq(activity.type, 'sla_breached')))
    .as('breaches')
  const [missedRows, contactRows] = await Promise.all([
    db
      .select({ ownerId: breaches.ownerId, missed: sql<number>`count(*)`.mapWith(Number) })
      .from(breaches)
      .groupBy(breaches.ownerId),
    db
      .select({
        ownerId: enquiries.claimedBy,
        contacted: sql<number>`count(*)`.mapWith(Number),
        medianSeconds: firstContactPercentile(0.5),
        p90Seconds: firstContactPercentile(0.9),
        met: countWhere(sql`${enquiries.firstContactedAt} <= ${enquiries.firstContactDueAt}`),
        // Late contacts without a breach entry (the deadline job had not run yet) still missed.
        lateUnrecorded: countWhere(
          sql`${enquiries.firstContactedAt} > ${enquiries.firstContactDueAt} AND ${enquiries.firstContactBreachedAt} IS NULL`,
        ),
      })
      .from(enquiries)
      .where(and(where, sql`${enquiries.firstContactedAt} IS NOT NULL`))
      .groupBy(enquiries.claimedBy),
  ])
  const [overall] = await db
    .select({
      medianSeconds: firstContactPercentile(0.5),
      p90Seconds: firstContactPercentile(0.9),
    })
    .from(enquiries)
    .where(and(where, sql`${enquiries.firstContactedAt} IS NOT NULL`))
  return { overall, missedRows, contactRows }
}

/** How many leads (created in the range) each routing rule assigned. */
async function routedByRule(db: Db, where: SQL | undefined) {
  const ruleId = sql<string>`${activity.details}->'rule'->>'_id'`
  return db
    .select({
      ruleId,
      name: sql<string>`max(${activity.details}->'rule'->>'name')`,
      routed: sql<number>`count(*)`.mapWith(Number),
    })
    .from(activity)
    .innerJoin(enquiries, eq(enquiries.id, activity.enquiryId))
    .where(and(where, eq(activity.type, 'assigned'), sql`${activity.details} ? 'rule'`))
    .groupBy(ruleId)
    .orderBy(desc(sql`count(*)`), asc(ruleId))
}

/** The last 30 UTC days, today included, oldest first, each with its count (zero included). */
async function countByDay(db: Db, where: SQL | undefined) {
  const today = sql`(now() AT TIME ZONE 'UTC')::date`
  const lastOffset = sql.raw(String(DAYS - 1))
  const dayOf = sql`(${enquiries.createdAt} AT TIME ZONE 'UTC')::date`
  const perDay = db
    .select({ day: dayOf.as('day'), count: sql<number>`count(*)`.as('count') })
    .from(enquiries)
    .where(
      and(
        where,
        gte(enquiries.createdAt, sql`(${today} - ${lastOffset})::timestamp AT TIME ZONE 'UTC'`),
      ),
    )
    .groupBy(dayOf)
    .as('per_day')
  // date - integer is a date: a series of integers avoids generate_series' timestamptz overload.
  const day = sql`${today} - ${lastOffset} + offsets.n`
  return db
    .select({
      date: sql<string>`to_char(${day}, 'YYYY-MM-DD')`,
      count: sql<number>`coalesce(${perDay.count}, 0)`.mapWith(Number),
    })
    .from(sql`generate_series(0, ${lastOffset}) AS offsets(n)`)
    .leftJoin(perDay, sql`${perDay.day} = ${day}`)
    .orderBy(sql`offsets.n`)
}
