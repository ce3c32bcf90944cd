// The lists scenario: the lists counselors and admins use all day (the pool filtered and searched,
// the admin list, my-enquiries), each measured over HTTP and explained as the app runs it.
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import * as schema from '../src/db/schema/index.js'
import {
  type EnquiryFilter,
  type EnquiryOrder,
  listEnquiries,
} from '../src/modules/enquiries/listing.js'
import { counselorId } from './seed.js'

/** The counselor whose leads my-enquiries and the admin's claimedBy filter list (about 5% of rows). */
export const LIST_COUNSELOR = 2
export const LIST_COUNSELOR_EMAIL = `counselor${LIST_COUNSELOR}@bench.example`

export interface ListCase {
  label: string
  /** Who asks: an admin, or the counselor LIST_COUNSELOR. */
  as: 'admin' | 'counselor'
  path: string
  /** The same list as its route hands it to listEnquiries, for EXPLAIN. */
  filter: EnquiryFilter
  order: EnquiryOrder
  offset: number
  /** Whether the issue's target applies (a one- or two-character search is for reference). */
  targeted: boolean
}

const LIMIT = 20

function pool(label: string, query: Record<string, string>, page = 1): ListCase {
  const { sort, ...filter } = query
  return {
    label: `pool ${label}`,
    as: 'admin',
    path: `/api/enquiries/unclaimed?${new URLSearchParams({ ...query, page: String(page), limit: String(LIMIT) })}`,
    filter: { ...filter, status: 'unclaimed' },
    order: (sort as EnquiryOrder | undefined) ?? 'newest',
    offset: (page - 1) * LIMIT,
    targeted: true,
  }
}

function admin(label: string, query: Record<string, string>): ListCase {
  return {
    label: `admin list ${label}`,
    as: 'admin',
    path: `/api/enquiries?${new URLSearchParams({ ...query, page: '1', limit: String(LIMIT) })}`,
    filter: query,
    order: 'newest',
    offset: 0,
    targeted: true,
  }
}

/**
 * Every list of the issue, in its order, and a few more: combinations of the pool's filters, a
 * search that matches an eighth of all rows, and a two-character search (no trigram to use).
 */
export const LIST_CASES: ListCase[] = [
  pool('page 1', {}),
  pool('page 500', {}, 500),
  pool('priority=high', { priority: 'high' }),
  pool('courseInterest=MBA', { courseInterest: 'MBA' }),
  pool('source=event', { source: 'event' }),
  pool('courseInterest=MBA + priority=high', { courseInterest: 'MBA', priority: 'high' }),
  pool('courseInterest + source + priority, oldest first', {
    courseInterest: 'Nursing',
    source: 'referral',
    priority: 'low',
    sort: 'oldest',
  }),
  pool('source=event, by priority', { source: 'event', sort: 'priority' }),
  pool('q=Okafor (name)', { q: 'Okafor' }),
  pool('q=p123450@x (email)', { q: 'p123450@x' }),
  pool('q=770 76005 (phone)', { q: '770 76005' }),
  pool('q=okafor + courseInterest=MBA', { q: 'okafor', courseInterest: 'MBA' }),
  { ...pool('q=Ok (two characters)', { q: 'Ok' }), targeted: false },
  admin('q=Haddad 12', { q: 'Haddad 12' }),
  admin('q=Okafor (125,000 matches)', { q: 'Okafor' }),
  admin('q=p123450@x (email)', { q: 'p123450@x' }),
  admin('status=contacted', { status: 'contacted' }),
  admin('claimedBy=<counselor>', { claimedBy: counselorId(LIST_COUNSELOR) }),
  {
    label: 'my-enquiries',
    as: 'counselor',
    path: `/api/enquiries/my-enquiries?page=1&limit=${LIMIT}`,
    filter: { claimedBy: counselorId(LIST_COUNSELOR) },
    order: 'recentlyClaimed',
    offset: 0,
    targeted: true,
  },
]

interface Issued {
  name: string | undefined
  text: string
  values: unknown[]
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each list's page statement, as the app issues it: the SQL is
 * captured from the app's own listing code. A named (prepared) statement is explained with its
 * generic plan, which a connection settles on after a few executions; an unnamed one with the plan
 * made for its values.
 */
export async function explainLists(url: string, rows: number): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const issued: Issued[] = []
  const query = client.query.bind(client)
  client.query = ((config: unknown, values: unknown) => {
    if (typeof config === 'object' && config !== null && 'text' in config) {
      const { name, text } = config as { name?: string; text: string }
      issued.push({ name, text, values: Array.isArray(values) ? values : [] })
    }
    return (query as (config: unknown, values: unknown) => unknown)(config, values)
  }) as typeof client.query
  const db = drizzle(client, { schema })
  const sections = [
    `# Query plans of the lists at ${rows.toLocaleString('en')} enquiries`,
    '',
    'Each list page as the app issues it (the statement its listing code builds, captured, with the same values). A named statement is prepared once per connection and shown with its generic plan (`plan_cache_mode = force_generic_plan`), the plan a connection settles on; an unnamed one is planned for its values each time (`force_custom_plan`).',
    '',
  ]
  try {
    for (const list of LIST_CASES) {
      issued.length = 0
      const started = performance.now()
      await listEnquiries(db, list.filter, list.order, { offset: list.offset, limit: LIMIT })
      const firstRun = performance.now() - started
      const page = issued[0]
      if (!page) throw new Error(`no statement issued for ${list.label}`)
      const literals = page.values.map((value) =>
        typeof value === 'number' ? String(value) : client.escapeLiteral(String(value)),
      )
      const mode = page.name ? 'force_generic_plan' : 'force_custom_plan'
      await query('BEGIN')
      await query(`SET LOCAL plan_cache_mode = ${mode}`)
      await query(`PREPARE explained AS ${page.text}`)
      const explained = await query(
        `EXPLAIN (ANALYZE, BUFFERS) EXECUTE explained${literals.length ? `(${literals.join(', ')})` : ''}`,
      )
      await query('DEALLOCATE explained')
      await query('COMMIT')
      const plan = explained.rows.map((row) => Object.values(row)[0]).join('\n')
      sections.push(
        `## ${list.label}`,
        '',
        `\`${list.path}\` — ${page.name ? `prepared as \`${page.name}\`, generic plan` : 'unnamed, custom plan'}; the app's first run of it took ${firstRun.toFixed(0)} ms.`,
        '',
        '```sql',
        page.text,
        '```',
        '',
        '```',
        plan,
        '```',
        '',
      )
    }
  } finally {
    await client.end()
  }
  return sections.join('\n')
}
