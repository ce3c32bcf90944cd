import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'

/**
 * The pool's statement as the app prepares it (src/modules/enquiries/listing.ts): a deferred join
 * for the page, with the total from the pool's counters as an uncorrelated subquery.
 */
const POOL_PAGE = sql`
  PREPARE pool_page(int, int) AS
  SELECT e.*, o.id AS owner_id, o.name AS owner_name, o.email AS owner_email,
    (SELECT coalesce(sum(count), 0)::int FROM enquiry_pool_counts) AS total
  FROM enquiries e LEFT JOIN employees o ON o.id = e.claimed_by
  WHERE e.id = ANY(ARRAY(SELECT id FROM enquiries WHERE status = 'unclaimed'
                       ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT $2))
  ORDER BY e.created_at DESC, e.id DESC`

const POOL_PAGE_AFTER = sql`
  PREPARE pool_page_after(timestamptz, char(24), int) AS
  SELECT e.*, o.id AS owner_id, o.name AS owner_name, o.email AS owner_email,
    (SELECT coalesce(sum(count), 0)::int FROM enquiry_pool_counts) AS total
  FROM enquiries e LEFT JOIN employees o ON o.id = e.claimed_by
  WHERE e.id = ANY(ARRAY(SELECT id FROM enquiries WHERE status = 'unclaimed' AND (created_at, id) < ($1, $2)
                       ORDER BY created_at DESC, id DESC OFFSET 0 LIMIT $3))
  ORDER BY e.created_at DESC, e.id DESC`
const SECTIONS: [string, SQL][] = [
  ['Page 1 (limit 20), with its total', sql`EXECUTE pool_page(0, 20)`],
  ['Page 500 (offset 9,980), with its total', sql`EXECUTE pool_page(9980, 20)`],
  [
    "The total alone (sum of the pool's counters)",
    sql`SELECT coalesce(sum(count), 0)::int FROM enquiry_pool_counts`,
  ],
  [
    'For comparison: counting the pool row by row (what the total cost before the counters)',
    sql`SELECT count(*)::int FROM enquiries WHERE status = 'unclaimed'`,
  ],
]

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the pool's statements, as Markdown. The generic plan is forced:
 * it is the plan a prepared statement settles on after its first executions.
 */
export async function explainPool(db: Db, rows: number): Promise<string> {
  const sections: string[] = [
    `# Query plans of the pool at ${rows.toLocaleString('en')} enquiries`,
    '',
    'Generic plans of the prepared statement (`plan_cache_mode = force_generic_plan`), as the app runs it once a connection has executed it a few times.',
    '',
  ]
  // One connection: a prepared statement belongs to its session.
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL plan_cache_mode = force_generic_plan`)
    await tx.execute(POOL_PAGE)
    await tx.execute(POOL_PAGE_AFTER)
    // Row 9,980 of the pool: where a client following nextCursor to page 500 continues from.
    const row = (await tx.execute(
      sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, id
          FROM enquiries WHERE status = 'unclaimed' ORDER BY created_at DESC, id DESC OFFSET 9979 LIMIT 1`,
    )) as unknown as { rows: { at: string; id: string }[] }
    const after = row.rows[0]
    const byCursor: [string, SQL][] = after
      ? [
          [
            'Page 500 by cursor (after row 9,980), with its total',
            // Literals from our own rows: an ISO instant and a hex id.
            sql.raw(`EXECUTE pool_page_after('${after.at}', '${after.id}', 20)`),
          ],
        ]
      : []
    const [page1, page500, ...totals] = SECTIONS
    for (const [title, query] of [page1, page500, ...byCursor, ...totals].filter(
      (section): section is [string, SQL] => section !== undefined,
    )) {
      const result = (await tx.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`)) as unknown as {
        rows: Record<string, string>[]
      }
      const plan = result.rows.map((row) => Object.values(row)[0]).join('\n')
      sections.push(`## ${title}`, '', '```', plan, '```', '')
    }
  })
  return sections.join('\n')
}
