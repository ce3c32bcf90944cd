import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { createPglite, type Database, openDatabase, wrapPglite } from '../src/db/client.js'
import { type EnquiryStatus, enquiries, enquiryStatuses } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, testConfig } from './support/app.js'
import { createPostgresDatabase, TEST_DATABASE_URL } from './support/database.js'
import { claim, enquiryForm, list, setStatus, submitEnquiry } from './support/enquiries.js'

/** What the table holds, counted row by row: the truth the totals must match. */
async function storedCounts(app: FastifyInstance): Promise<Record<EnquiryStatus, number>> {
  const rows = await app.db
    .select({ status: enquiries.status, n: sql<number>`count(*)::int` })
    .from(enquiries)
    .groupBy(enquiries.status)
  const counts = Object.fromEntries(enquiryStatuses.map((s) => [s, 0])) as Record<
    EnquiryStatus,
    number
  >
  for (const row of rows) counts[row.status] = row.n
  return counts
}

/** Every total the API reports without filters other than status equals the stored rows. */
async function assertTotalsMatchStoredRows(app: FastifyInstance, adminToken: string) {
  const counts = await storedCounts(app)
  const pool = await list(app, '/api/enquiries/unclaimed?limit=1', adminToken)
  assert.equal(pool.body.total, counts.unclaimed, 'pool total')
  for (const status of enquiryStatuses) {
    const filtered = await list(app, `/api/enquiries?status=${status}&limit=1`, adminToken)
    assert.equal(filtered.body.total, counts[status], `${status} total`)
  }
  const all = await list(app, '/api/enquiries?limit=1', adminToken)
  const stored = Object.values(counts).reduce((sum, n) => sum + n, 0)
  assert.equal(all.body.total, stored, 'total of every enquiry')
  return counts
}

describe('List totals', () => {
  test('the pool and status totals stay exact through concurrent submits, claims, changes and a deactivation', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselors = await Promise.all([1, 2, 3].map(() => createEmployee(app)))

    // 30 forms at once, 10 of them a second time from the same person: 20 leads.
    const forms = Array.from({ length: 20 }, () => enquiryForm())
    const submitted = await Promise.all(
      [...forms, ...forms.slice(0, 10)].map((payload) =>
        call(app, { method: 'POST', url: '/api/enquiries', payload }),
      ),
    )
    assert.ok(submitted.every(({ status }) => status === 201))
    const ids = [...new Set(submitted.map(({ body }) => (body.data as { id: string }).id))]
    assert.equal(ids.length, 20)
    assert.equal((await assertTotalsMatchStoredRows(app, admin.token)).unclaimed, 20)

    // Every counselor tries to claim each of the first 12 at once: 12 claims win.
    const claims = await Promise.all(
      ids.slice(0, 12).flatMap((id) => counselors.map(({ token }) => claim(app, id, token))),
    )
    assert.equal(claims.filter(({ status }) => status === 200).length, 12)
    const counts = await assertTotalsMatchStoredRows(app, admin.token)
    assert.deepEqual([counts.unclaimed, counts.claimed], [8, 12])

    // Owners move leads along, release some, an admin assigns two from the pool, all at once.
    const ownerOf = async (id: string) => {
      const { body } = await call(app, {
        method: 'GET',
        url: `/api/enquiries/${id}`,
        token: admin.token,
      })
      const owner = (body.data as { claimedBy: { _id: string } }).claimedBy._id
      const counselor = counselors.find((c) => c.id === owner)
      if (!counselor) throw new Error(`unknown owner ${owner}`)
      return counselor
    }
    const owners = await Promise.all(ids.slice(0, 12).map(ownerOf))
    const changes = await Promise.all([
      ...ids.slice(0, 4).map((id, i) => setStatus(app, id, 'contacted', owners[i]?.token ?? '')),
      ...ids.slice(4, 6).map((id, i) => setStatus(app, id, 'lost', owners[4 + i]?.token ?? '')),
      ...ids.slice(6, 8).map((id, i) =>
        call(app, {
          method: 'POST',
          url: `/api/enquiries/${id}/release`,
          token: owners[6 + i]?.token,
        }),
      ),
      ...ids.slice(12, 14).map((id) =>
        call(app, {
          method: 'POST',
          url: `/api/enquiries/${id}/assign`,
          token: admin.token,
          payload: { employeeId: counselors[0]?.id },
        }),
      ),
    ])
    assert.ok(
      changes.every(({ status }) => status === 200),
      JSON.stringify(changes.map((c) => c.status)),
    )
    await assertTotalsMatchStoredRows(app, admin.token)

    // Converting and deactivating at the same time: the deactivated counselor's open leads return.
    const [first] = counselors
    assert.ok(first)
    const held = await list(app, '/api/enquiries/my-enquiries?limit=100', first.token)
    const deactivated = await call(app, {
      method: 'PATCH',
      url: `/api/employees/${first.id}`,
      token: admin.token,
      payload: { isActive: false },
    })
    assert.equal(deactivated.status, 200)
    const after = await assertTotalsMatchStoredRows(app, admin.token)
    assert.ok(held.body.total > 0)
    assert.equal(after.claimed + after.contacted + after.unclaimed + after.lost, 20)
  })

  test('submitting one enquiry moves the pool total by exactly one', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const before = await list(app, '/api/enquiries/unclaimed', admin.token)
    await submitEnquiry(app)
    const after = await list(app, '/api/enquiries/unclaimed', admin.token)
    assert.equal(after.body.total, before.body.total + 1)
    assert.equal(after.body.total, (await storedCounts(app)).unclaimed)
  })

  test('a database holding enquiries from before the counters gets its totals on upgrade', async (t) => {
    const { database, migrateUpTo } = await unmigratedDatabase(t)
    await migrateUpTo('0002_millisecond_timestamps')
    await database.db.execute(sql`
      INSERT INTO employees (id, name, email, password_hash, role)
      VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', 'Old Counselor', 'old@example.com', 'x', 'counselor')`)
    await database.db.execute(sql`
      INSERT INTO enquiries (id, name, email, phone, course_interest, status, claimed_by, claimed_at)
      SELECT lpad(to_hex(n), 24, '0'), 'Old ' || n, 'old' || n || '@example.com', '555' || n, 'Art',
        s.status::enquiry_status,
        CASE WHEN s.status = 'unclaimed' THEN NULL ELSE 'aaaaaaaaaaaaaaaaaaaaaaaa' END,
        CASE WHEN s.status = 'unclaimed' THEN NULL ELSE now() END
      FROM generate_series(1, 9) AS n
      CROSS JOIN LATERAL (SELECT (ARRAY['unclaimed', 'unclaimed', 'unclaimed', 'unclaimed',
        'claimed', 'claimed', 'contacted', 'converted', 'lost'])[n] AS status) AS s`)

    const app = await buildApp(testConfig(), { database })
    t.after(() => app.close())
    await app.ready()
    const admin = await createEmployee(app, { role: 'admin' })
    const counts = await assertTotalsMatchStoredRows(app, admin.token)
    assert.deepEqual(counts, { unclaimed: 4, claimed: 2, contacted: 1, converted: 1, lost: 1 })
  })
})

/** An empty database on which migrations can be applied up to a given one, then the rest. */
async function unmigratedDatabase(t: { after: (fn: () => Promise<void>) => void }): Promise<{
  database: Database
  migrateUpTo: (tag: string) => Promise<void>
}> {
  const folder = mkdtempSync(join(tmpdir(), 'crm-migrations-'))
  t.after(async () => rmSync(folder, { recursive: true, force: true }))
  const journalOnly = (tag: string) => {
    cpSync('drizzle', folder, { recursive: true })
    const journalPath = join(folder, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const last = journal.entries.findIndex((entry) => entry.tag === tag)
    assert.ok(last >= 0, `no migration ${tag}`)
    journal.entries = journal.entries.slice(0, last + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
  }
  if (!TEST_DATABASE_URL) {
    const client = await createPglite()
    return {
      database: wrapPglite(client),
      migrateUpTo: async (tag) => {
        journalOnly(tag)
        await migratePglite(drizzlePglite(client), { migrationsFolder: folder })
      },
    }
  }
  const created = await createPostgresDatabase(TEST_DATABASE_URL)
  const database = await openDatabase({ kind: 'postgres', url: created.url })
  return {
    database: {
      ...database,
      close: async () => {
        await database.close()
        await created.drop()
      },
    },
    migrateUpTo: async (tag) => {
      journalOnly(tag)
      const client = new pg.Client({ connectionString: created.url })
      await client.connect()
      try {
        await migratePg(drizzlePg(client), { migrationsFolder: folder })
      } finally {
        await client.end()
      }
    },
  }
}
