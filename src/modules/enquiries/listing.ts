import {
  type AnyColumn,
  and,
  asc,
  desc,
  eq,
  gte,
  isNull,
  lt,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { preparedStatements } from '../../db/prepared.js'
import {
  type EnquiryPriority,
  type EnquirySource,
  type EnquiryStatus,
  enquiries,
  enquiryOwnerCounts,
  enquiryPoolCounts,
  enquiryStatuses,
  searchTextOf,
} from '../../db/schema/index.js'
import { type EnquiryRecord, enquiryColumns, owner } from './repository.js'

/** Lists of enquiries: pages with their totals, and the export's batches. */

export interface EnquiryFilter {
  status?: EnquiryStatus
  /** An employee id, or 'none' for enquiries nobody holds. */
  claimedBy?: string
  priority?: EnquiryPriority
  source?: EnquirySource
  courseInterest?: string
  q?: string
  /** createdAt bounds: from inclusive, to exclusive. */
  from?: Date
  to?: Date
}

export type EnquiryOrder = 'newest' | 'oldest' | 'priority' | 'recentlyClaimed'

/** The sort key of a row: a page given one starts right after that row. */
export interface PageKey {
  createdAt: Date
  id: string
  priority: EnquiryPriority
}

/** `%`, `_` and `\` in a search are literal characters, not LIKE wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

/** The filter's values as statement parameters; `q` becomes its LIKE pattern. */
function parametersOf(filter: EnquiryFilter) {
  const { claimedBy, priority, source, courseInterest, q, from, to } = filter
  return {
    claimedBy,
    priority,
    source,
    courseInterest,
    q: q === undefined ? undefined : likePattern(q),
    from,
    to,
  }
}
type Parameters = ReturnType<typeof parametersOf>

/**
 * A status is written into the SQL as a literal (from the fixed list, never from input as such), so
 * that a prepared statement's plan can use the partial indexes of the pool.
 */
function statusIs(status: EnquiryStatus): SQL {
  if (!enquiryStatuses.includes(status)) throw new Error(`unknown status ${String(status)}`)
  return sql`${enquiries.status} = ${sql.raw(`'${status}'`)}`
}

/** What separates the fields in searchTextOf: a q holding one could match across two of them. */
const FIELD_SEPARATOR = '\n'

/** Which trigram index a search reads: the pool's, the other enquiries', or both. */
type SearchedPart = 'pool' | 'worked' | 'both'

function searchedPartOf(status: EnquiryStatus | undefined, claimedBy: string | undefined) {
  // Nobody holds an enquiry exactly when it is unclaimed (a check constraint says so).
  if (status === 'unclaimed' || (status === undefined && claimedBy === 'none')) return 'pool'
  return status !== undefined || claimedBy !== undefined ? 'worked' : 'both'
}

/**
 * `q` is a case-insensitive substring of the name, the email or the phone. Said as one LIKE on the
 * three lower-cased and joined (searchTextOf), which the trigram indexes answer: in PostgreSQL,
 * `x ILIKE p` is `lower(x) LIKE lower(p)`, and a q without the separator can only match inside
 * one field (a q with it must also match one field on its own). Each index covers a part of the
 * table, which the condition names so that the planner may use it; a search of both is an OR.
 */
function searchCondition(pattern: SQL, mayCrossFields: boolean, part: SearchedPart): SQL {
  const joined = sql`${searchTextOf(enquiries)} LIKE lower(${pattern})`
  const matches = mayCrossFields
    ? sql`${joined} AND (${enquiries.name} ILIKE ${pattern} OR ${enquiries.email} ILIKE ${pattern} OR ${enquiries.phone} ILIKE ${pattern})`
    : joined
  const inPool = sql`${enquiries.status} = 'unclaimed' AND ${matches}`
  const worked = sql`${enquiries.status} <> 'unclaimed' AND ${matches}`
  if (part === 'pool') return inPool
  if (part === 'worked') return worked
  return sql`((${inPool}) OR (${worked}))`
}

/**
 * The WHERE clause of a filter. `bind` supplies each value: the value itself, or a placeholder of
 * the same name for a prepared statement.
 */
function conditionsOf(
  filter: EnquiryFilter,
  bind: (name: keyof Parameters, value: unknown) => unknown,
): SQL | undefined {
  const { claimedBy, priority, source, courseInterest, q, from, to } = parametersOf(filter)
  const param = (name: keyof Parameters, value: unknown) => sql`${bind(name, value)}`
  return and(
    filter.status !== undefined ? statusIs(filter.status) : undefined,
    claimedBy === 'none' ? isNull(enquiries.claimedBy) : undefined,
    claimedBy !== undefined && claimedBy !== 'none'
      ? eq(enquiries.claimedBy, param('claimedBy', claimedBy))
      : undefined,
    from !== undefined ? gte(enquiries.createdAt, param('from', from)) : undefined,
    to !== undefined ? lt(enquiries.createdAt, param('to', to)) : undefined,
    priority !== undefined ? eq(enquiries.priority, param('priority', priority)) : undefined,
    source !== undefined ? eq(enquiries.source, param('source', source)) : undefined,
    courseInterest !== undefined
      ? eq(enquiries.courseInterest, param('courseInterest', courseInterest))
      : undefined,
    q !== undefined
      ? searchCondition(
          param('q', q),
          filter.q?.includes(FIELD_SEPARATOR) ?? false,
          searchedPartOf(filter.status, claimedBy),
        )
      : undefined,
  )
}

export function whereOf(filter: EnquiryFilter): SQL | undefined {
  return conditionsOf(filter, (_name, value) => value)
}

/** The columns a list is ordered and paged by: the table's own, or a search's matches' (below). */
interface SortColumns {
  createdAt: SQLWrapper
  id: SQLWrapper
  priority: SQLWrapper
  claimedAt: SQLWrapper
}

// Every order ends on the id, so it is total and paging never repeats or skips a row.
function orderOf(order: EnquiryOrder, { createdAt, id, priority, claimedAt }: SortColumns): SQL[] {
  switch (order) {
    case 'newest':
      return [desc(createdAt), desc(id)]
    case 'oldest':
      return [asc(createdAt), asc(id)]
    case 'priority':
      return [desc(priority), asc(createdAt), asc(id)]
    case 'recentlyClaimed':
      return [desc(claimedAt), desc(id)]
  }
}

/**
 * What a list statement's text depends on: the order, the status and "nobody holds it" (written as
 * literals), and which other filters are present (their values are parameters).
 */
interface ListShape {
  order: EnquiryOrder
  /** Starts after a given row (keyset) rather than at an offset. */
  after: boolean
  status?: EnquiryStatus
  claimedBy?: 'none' | 'someone'
  present: (keyof Parameters)[]
  /** `q` holds the field separator (so its SQL differs: see searchCondition). */
  qCrossesFields?: true
}

function shapeOf(filter: EnquiryFilter, order: EnquiryOrder, after: boolean): ListShape {
  const { claimedBy, ...others } = parametersOf(filter)
  return {
    order,
    after,
    ...(filter.status !== undefined ? { status: filter.status } : {}),
    ...(claimedBy !== undefined ? { claimedBy: claimedBy === 'none' ? 'none' : 'someone' } : {}),
    present: (Object.keys(others) as (keyof Parameters)[]).filter(
      (name) => others[name as keyof typeof others] !== undefined,
    ),
    ...(filter.q?.includes(FIELD_SEPARATOR) ? { qCrossesFields: true as const } : {}),
  }
}

/** The WHERE clause of a shape: every value present is a placeholder named after its filter. */
function placeholdersOf({ status, claimedBy, present, qCrossesFields }: ListShape) {
  // Any stand-in value will do: only which filters are present (and q's separator) shape the SQL.
  const standIn = Object.fromEntries(present.map((name) => [name, name])) as EnquiryFilter
  return conditionsOf(
    {
      ...standIn,
      ...(qCrossesFields ? { q: FIELD_SEPARATOR } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(claimedBy !== undefined ? { claimedBy } : {}),
    },
    (name) => sql.placeholder(name),
  )
}

const afterCreatedAt = sql`${sql.placeholder('afterCreatedAt')}::timestamptz`
const afterId = sql.placeholder('afterId')
const afterPriority = sql`${sql.placeholder('afterPriority')}::enquiry_priority`

/** The rows after a given one, in each order: row comparisons, which the order's index seeks to. */
function afterOf(order: EnquiryOrder, { createdAt, id, priority }: SortColumns): SQL | undefined {
  switch (order) {
    case 'newest':
      return sql`(${createdAt}, ${id}) < (${afterCreatedAt}, ${afterId})`
    case 'oldest':
      return sql`(${createdAt}, ${id}) > (${afterCreatedAt}, ${afterId})`
    case 'priority':
      // Priorities run high to low, then oldest first: the seek starts at the cursor's priority.
      return sql`${priority} <= ${afterPriority} AND (${priority} < ${afterPriority} OR (${createdAt}, ${id}) > (${afterCreatedAt}, ${afterId}))`
    case 'recentlyClaimed':
      return undefined
  }
}

/** The pool's filters, whose every combination the pool's counters total. */
const POOL_FILTERS: (keyof Parameters)[] = ['priority', 'source', 'courseInterest']

/**
 * The statement for a shape's total. Where the counters the triggers keep hold it, their sum:
 * exact, and as cheap at a million rows as at ten. They hold the pool under any combination of
 * its filters, and every other enquiry by owner and status; so every list filtered by nothing
 * else than these. Otherwise the matching rows are counted.
 */
function totalOf(db: Db, shape: ListShape, where: SQL | undefined) {
  const { status, claimedBy, present } = shape
  const sumOf = (counts: typeof enquiryPoolCounts | typeof enquiryOwnerCounts, where?: SQL) =>
    db
      .select({ total: sql<number>`coalesce(sum(${counts.count}), 0)::int` })
      .from(counts)
      .where(where)
  const pool = (filters: (keyof Parameters)[]) => {
    const byFilter = (name: keyof Parameters, column: AnyColumn) =>
      filters.includes(name) ? eq(column, sql.placeholder(name)) : undefined
    return sumOf(
      enquiryPoolCounts,
      and(
        byFilter('priority', enquiryPoolCounts.priority),
        byFilter('source', enquiryPoolCounts.source),
        byFilter('courseInterest', enquiryPoolCounts.courseInterest),
      ),
    )
  }
  const owned = () =>
    sumOf(
      enquiryOwnerCounts,
      and(
        status !== undefined
          ? sql`${enquiryOwnerCounts.status} = ${sql.raw(`'${status}'`)}`
          : undefined,
        claimedBy === 'someone'
          ? eq(enquiryOwnerCounts.claimedBy, sql.placeholder('claimedBy'))
          : undefined,
      ),
    )
  const part = searchedPartOf(status, claimedBy)
  if (
    part === 'pool' &&
    claimedBy !== 'someone' &&
    present.every((name) => POOL_FILTERS.includes(name))
  ) {
    return pool(present)
  }
  if (present.length === 0 && claimedBy !== 'none' && status !== 'unclaimed') {
    if (part === 'worked') return owned()
    // Every enquiry is counted once: in the pool's counts or in its owner's.
    const counts = db
      .select({ count: enquiryPoolCounts.count })
      .from(enquiryPoolCounts)
      .unionAll(db.select({ count: enquiryOwnerCounts.count }).from(enquiryOwnerCounts))
      .as('counts')
    return db.select({ total: sql<number>`coalesce(sum(${counts.count}), 0)::int` }).from(counts)
  }
  return db.select({ total: sql<number>`count(*)::int` }).from(enquiries).where(where)
}

// Statement names must stay unique per text on a connection: one name per shape, process-wide.
const statementNames = new Map<string, number>()
const statementNumber = (shape: string) => {
  let number = statementNames.get(shape)
  if (number === undefined) {
    number = statementNames.size + 1
    statementNames.set(shape, number)
  }
  return number
}

/**
 * The page's rows in full, looked up by the ids of the page, with the total on each row (an
 * uncorrelated subquery, computed once): one round trip.
 */
function pageOf(
  from: Pick<Db, 'select'>,
  order: EnquiryOrder,
  pageIds: SQLWrapper,
  total: SQLWrapper,
) {
  return from
    .select({ ...enquiryColumns, total: sql<number>`(${total})` })
    .from(enquiries)
    .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
    .where(sql`${enquiries.id} = ANY(ARRAY(${pageIds}))`)
    .orderBy(...orderOf(order, enquiries))
}

/**
 * A search's page and total, finding its matches once. The trigram index yields candidates that
 * each need their row read and rechecked; counting them all and then walking them again for the
 * page did that work twice. The matches (with their sort key) are gathered once; the total counts
 * them and the page is the first rows of them after the keyset.
 */
function searchStatements(db: Db, shape: ListShape, where: SQL | undefined) {
  // Referenced twice, so PostgreSQL computes it once (a CTE is materialized unless used once).
  const matches = db.$with('matches').as(
    db
      .select({
        id: enquiries.id,
        createdAt: enquiries.createdAt,
        priority: enquiries.priority,
        claimedAt: enquiries.claimedAt,
      })
      .from(enquiries)
      .where(where),
  )
  const pageIds = db
    .select({ id: matches.id })
    .from(matches)
    .where(shape.after ? afterOf(shape.order, matches) : undefined)
    .orderBy(...orderOf(shape.order, matches))
    .offset(sql.placeholder('offset'))
    .limit(sql.placeholder('limit'))
  const total = db.select({ total: sql<number>`count(*)::int` }).from(matches)
  const page = pageOf(db.with(matches), shape.order, pageIds, total)
  // Planned for its text each time (unnamed statements): how many rows a pattern matches decides
  // how the trigram index is best read.
  return { page, total: totalOf(db, shape, where) }
}

const listStatements = preparedStatements((db, key) => {
  const shape = JSON.parse(key) as ListShape
  const where = placeholdersOf(shape)
  if (shape.after && !afterOf(shape.order, enquiries)) {
    throw new Error(`no cursor paging in ${shape.order} order`)
  }
  if (shape.present.includes('q')) return searchStatements(db, shape, where)
  const keyset = shape.after ? afterOf(shape.order, enquiries) : undefined
  const number = statementNumber(key)
  // Deferred join: the page's ids come from the index alone (a deep page skips index entries, not
  // table rows); only the 20 rows shown are then read in full. As an array (computed once, then
  // looked up by primary key) rather than IN (subquery): the prepared statement's generic plan
  // cannot know the limit, and for IN it would then hash-join the whole table.
  const pageIds = db
    .select({ id: enquiries.id })
    .from(enquiries)
    .where(and(where, keyset))
    .orderBy(...orderOf(shape.order, enquiries))
    .offset(sql.placeholder('offset'))
    .limit(sql.placeholder('limit'))
  const total = totalOf(db, shape, where)
  const page = pageOf(db, shape.order, pageIds, total)
  return {
    page: page.prepare(`enquiry_page_${number}`),
    // For a page past the end, which has no row to carry it.
    total: total.prepare(`enquiry_total_${number}`),
  }
})

/**
 * One page and the total of all matches, in one statement (two for a page past the end). The page
 * starts at an offset, or right after the row `after` when given.
 */
export async function listEnquiries(
  db: Db,
  filter: EnquiryFilter,
  order: EnquiryOrder,
  page: { offset: number; limit: number; after?: PageKey | undefined },
): Promise<{ rows: EnquiryRecord[]; total: number }> {
  const { offset, limit, after } = page
  const statements = listStatements(db, JSON.stringify(shapeOf(filter, order, !!after)))
  const values = {
    ...parametersOf(filter),
    offset,
    limit,
    ...(after
      ? {
          afterCreatedAt: after.createdAt.toISOString(),
          afterId: after.id,
          afterPriority: after.priority,
        }
      : {}),
  }
  const found = await statements.page.execute(values)
  const [first] = found
  if (first) return { rows: found.map(({ total: _total, ...row }) => row), total: first.total }
  if (offset === 0 && !after) return { rows: [], total: 0 }
  const [counted] = await statements.total.execute(values)
  return { rows: [], total: counted?.total ?? 0 }
}

/** Export rows: enquiries in creation order, fetched in batches after a keyset cursor. */
export async function listEnquiriesAfter(
  db: Db,
  filter: EnquiryFilter,
  after: { createdAt: Date; id: string } | undefined,
  limit: number,
): Promise<EnquiryRecord[]> {
  // A row comparison, which the (created_at, id) index answers directly (an OR would not).
  const cursor = after
    ? sql`(${enquiries.createdAt}, ${enquiries.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id})`
    : undefined
  return db
    .select(enquiryColumns)
    .from(enquiries)
    .leftJoin(owner, eq(owner.id, enquiries.claimedBy))
    .where(and(whereOf(filter), cursor))
    .orderBy(asc(enquiries.createdAt), asc(enquiries.id))
    .limit(limit)
}
