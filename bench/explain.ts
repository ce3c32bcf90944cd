import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'

/** The pool's statements as the app issues them (deferred join for the page; count beside it). */
const POOL_PAGE = (offset: number) => sql`
  SELECT e.*, o.id AS owner_id, o.name AS owner_name, o.email AS owner_email
  FROM enquiries e LEFT JOIN employees o ON o.id = e.claimed_by
  WHERE e.id IN (SELECT id FROM enquiries WHERE status = 'unclaimed'
                 ORDER BY created_at DESC, id DESC OFFSET ${sql.raw(String(offset))} LIMIT 20)
  ORDER BY e.created_at DESC, e.id DESC`
const POOL_COUNT = sql`SELECT count(*)::int FROM enquiries WHERE status = 'unclaimed'`

/** EXPLAIN (ANALYZE, BUFFERS) of the pool's page 1, page 500 and count, as Markdown. */
export async function explainPool(db: Db, rows: number): Promise<string> {
  const sections: string[] = [
    `# Query plans of the pool at ${rows.toLocaleString('en')} enquiries`,
    '',
  ]
  for (const [title, query] of [
    ['Page 1 (limit 20)', POOL_PAGE(0)],
    ['Page 500 (offset 9,980)', POOL_PAGE(9980)],
    ['Total (count of the pool)', POOL_COUNT],
  ] as const) {
    const result = (await db.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`)) as unknown as {
      rows: Record<string, string>[]
    }
    const plan = result.rows.map((row) => Object.values(row)[0]).join('\n')
    sections.push(`## ${title}`, '', '```', plan, '```', '')
  }
  return sections.join('\n')
}
