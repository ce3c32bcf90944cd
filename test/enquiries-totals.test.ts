import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { type EnquiryStatus, enquiries, enquiryStatuses } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, type TestEmployee, testConfig } from './support/app.js'
import { unmigratedDatabase } from './support/database.js'
import { claim, detail, enquiryForm, list, setStatus, submitEnquiry } from './support/enquiries.js'

/** What the table holds, counted row by row: the truth the totals must match. */
/** Which of `counselors` owns the enquiry, as an admin reads it. */
async function ownerOf(
  app: FastifyInstance,
  id: string,
  admin: TestEmployee,
  counselors: TestEmployee[],
): Promise<TestEmployee> {
  const { body } = await detail(app, id, admin.token)
  const owner = (body.data as { claimedBy: { _id: string } }).claimedBy._id
  const counselor = counselors.find((c) => c.id === owner)
  if (!counselor) throw new Error(`unknown owner ${owner}`)
  return counselor
}

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

const rowsWhere = async (app: FastifyInstance, condition: SQL | undefined) => {
  const [row] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(enquiries)
    .where(condition)
  return row?.n ?? 0
}

const COURSES = ['Data Science', 'Nursing']
const SOURCES = ['website', 'referral'] as const
const PRIORITIES = ['low', 'medium', 'high'] as const

/**
 * The totals the pool's and the owners' counters give equal the stored rows: the pool under every
 * combination of course, priority and source; each employee's my-enquiries, by status and all;
 * the admin list by owner, and by nobody.
 */
async function assertFilteredTotalsMatchStoredRows(
  app: FastifyInstance,
  admin: TestEmployee,
  employees: TestEmployee[],
) {
  const unclaimed = eq(enquiries.status, 'unclaimed')
  for (const courseInterest of [undefined, ...COURSES]) {
    for (const priority of [undefined, ...PRIORITIES]) {
      for (const source of [undefined, ...SOURCES]) {
        const filters = Object.fromEntries(
          Object.entries({ courseInterest, priority, source }).filter(([, v]) => v !== undefined),
        ) as Record<string, string>
        const { body } = await list(
          app,
          `/api/enquiries/unclaimed?limit=1&${new URLSearchParams(filters)}`,
          admin.token,
        )
        const stored = await rowsWhere(
          app,
          and(
            unclaimed,
            courseInterest ? eq(enquiries.courseInterest, courseInterest) : undefined,
            priority ? eq(enquiries.priority, priority) : undefined,
            source ? eq(enquiries.source, source) : undefined,
          ),
        )
        assert.equal(body.total, stored, `pool ${JSON.stringify(filters)}`)
      }
    }
  }
  const nobody = await list(app, '/api/enquiries?claimedBy=none&limit=1', admin.token)
  assert.equal(nobody.body.total, await rowsWhere(app, unclaimed), 'claimedBy=none')
  for (const employee of employees) {
    const held = eq(enquiries.claimedBy, employee.id)
    const all = await list(app, '/api/enquiries/my-enquiries?limit=1', employee.token)
    assert.equal(all.body.total, await rowsWhere(app, held), `my-enquiries of ${employee.id}`)
    const byAdmin = await list(app, `/api/enquiries?claimedBy=${employee.id}&limit=1`, admin.token)
    assert.equal(byAdmin.body.total, all.body.total, `claimedBy=${employee.id}`)
    for (const status of ['claimed', 'contacted', 'converted', 'lost']) {
      const mine = await list(app, `/api/enquiries/my-enquiries?status=${status}`, employee.token)
      const stored = await rowsWhere(app, and(held, sql`${enquiries.status} = ${status}`))
      assert.equal(mine.body.total, stored, `my-enquiries?status=${status} of ${employee.id}`)
    }
  }
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
    const owners = await Promise.all(
      ids.slice(0, 12).map((id) => ownerOf(app, id, admin, counselors)),
    )
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

  test("the pool's filtered totals and each owner's totals stay exact through concurrent submits, resubmissions, claims, changes, releases, assignments and a deactivation", async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselors = await Promise.all([1, 2, 3].map(() => createEmployee(app)))
    const [first, second] = counselors
    assert.ok(first && second)

    // 24 leads over every course, priority and source; 8 resubmitted at a higher priority at once.
    const forms = Array.from({ length: 24 }, (_, i) =>
      enquiryForm({
        courseInterest: COURSES[i % 2],
        priority: PRIORITIES[i % 3] === 'high' ? 'high' : 'low',
        source: SOURCES[Math.floor(i / 2) % 2],
      }),
    )
    const raised = forms.slice(0, 8).map((form) => ({ ...form, priority: 'high' }))
    const submitted = await Promise.all(
      [...forms, ...raised].map((payload) =>
        call(app, { method: 'POST', url: '/api/enquiries', payload }),
      ),
    )
    assert.ok(submitted.every(({ status }) => status === 201))
    const ids = [...new Set(submitted.map(({ body }) => (body.data as { id: string }).id))]
    assert.equal(ids.length, 24)
    await assertFilteredTotalsMatchStoredRows(app, admin, counselors)

    // Claims by everyone at once, then owners change, release and are assigned leads at once.
    await Promise.all(
      ids.slice(0, 15).flatMap((id) => counselors.map(({ token }) => claim(app, id, token))),
    )
    await assertFilteredTotalsMatchStoredRows(app, admin, counselors)
    const owners = await Promise.all(
      ids.slice(0, 15).map((id) => ownerOf(app, id, admin, counselors)),
    )
    const changes = await Promise.all([
      ...ids.slice(0, 4).map((id, i) => setStatus(app, id, 'contacted', owners[i]?.token ?? '')),
      ...ids
        .slice(4, 6)
        .map((id, i) => setStatus(app, id, 'converted', owners[4 + i]?.token ?? '')),
      ...ids.slice(6, 9).map((id, i) =>
        call(app, {
          method: 'POST',
          url: `/api/enquiries/${id}/release`,
          token: owners[6 + i]?.token,
        }),
      ),
      // From one owner to another, and from the pool.
      ...[...ids.slice(9, 11), ...ids.slice(15, 18)].map((id) =>
        call(app, {
          method: 'POST',
          url: `/api/enquiries/${id}/assign`,
          token: admin.token,
          payload: { employeeId: second.id },
        }),
      ),
    ])
    assert.ok(
      changes.every(({ status }) => status === 200),
      JSON.stringify(changes.map((c) => c.status)),
    )
    await assertFilteredTotalsMatchStoredRows(app, admin, counselors)

    // A deactivation returns the counselor's open leads to the pool.
    const deactivated = await call(app, {
      method: 'PATCH',
      url: `/api/employees/${first.id}`,
      token: admin.token,
      payload: { isActive: false },
    })
    assert.equal(deactivated.status, 200)
    await assertFilteredTotalsMatchStoredRows(app, admin, counselors.slice(1))
    assert.equal(
      await rowsWhere(
        app,
        and(
          eq(enquiries.claimedBy, first.id),
          sql`${enquiries.status} IN ('claimed', 'contacted')`,
        ),
      ),
      0,
    )
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

describe('Upgrading to trigram search and the list counters', () => {
  test('a database holding enquiries gets its search indexes and its pool and owner totals', async (t) => {
    const { database, migrateUpTo } = await unmigratedDatabase(t)
    await migrateUpTo('0005_notify_employee_changes')
    await database.db.execute(sql`
      INSERT INTO employees (id, name, email, password_hash, role)
      VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', 'Old Counselor', 'old@example.com', 'x', 'counselor')`)
    // 36 enquiries: every course, priority and source; a third of them held by the counselor.
    await database.db.execute(sql`
      INSERT INTO enquiries (id, name, email, phone, course_interest, status, source, priority,
                             claimed_by, claimed_at)
      SELECT lpad(to_hex(n), 24, '0'),
        (ARRAY['Emeka Okafor', 'Aisha Haddad', '100% Sure'])[1 + n % 3] || ' ' || n,
        'old' || n || '@example.com', '+44 770 ' || (1000 + n),
        (ARRAY['Data Science', 'Nursing'])[1 + n % 2],
        s.status::enquiry_status,
        (ARRAY['website', 'referral'])[1 + (n / 2) % 2]::enquiry_source,
        (ARRAY['low', 'medium', 'high'])[1 + (n / 4) % 3]::enquiry_priority,
        CASE WHEN s.status = 'unclaimed' THEN NULL ELSE 'aaaaaaaaaaaaaaaaaaaaaaaa' END,
        CASE WHEN s.status = 'unclaimed' THEN NULL ELSE now() END
      FROM generate_series(1, 36) AS n
      CROSS JOIN LATERAL (SELECT (ARRAY['unclaimed', 'unclaimed', 'claimed', 'contacted', 'lost',
        'unclaimed'])[1 + n % 6] AS status) AS s`)

    const app = await buildApp(testConfig(), { database })
    t.after(() => app.close())
    await app.ready()
    const admin = await createEmployee(app, { role: 'admin' })
    const old = { ...admin, id: 'aaaaaaaaaaaaaaaaaaaaaaaa', role: 'counselor' as const }
    old.token = app.issueToken({ id: old.id, role: 'counselor', tokenVersion: 0 })
    await assertFilteredTotalsMatchStoredRows(app, admin, [old])

    const indexes = await database.db.execute(
      sql`SELECT indexname FROM pg_indexes WHERE tablename = 'enquiries' AND indexname LIKE '%search%'`,
    )
    assert.deepEqual(
      (indexes as unknown as { rows: { indexname: string }[] }).rows
        .map((row) => row.indexname)
        .sort(),
      ['enquiries_pool_search_idx', 'enquiries_worked_search_idx'],
    )
    const search = await list(app, '/api/enquiries?q=okafor%201&limit=100', admin.token)
    assert.deepEqual(search.body.data.map((e) => e.name).sort(), [
      'Emeka Okafor 12',
      'Emeka Okafor 15',
      'Emeka Okafor 18',
    ])
    const pool = await list(app, '/api/enquiries/unclaimed?q=100%25&limit=100', admin.token)
    assert.equal(
      pool.body.total,
      await rowsWhere(
        app,
        sql`${enquiries.status} = 'unclaimed' AND ${enquiries.name} LIKE '100\% Sure %'`,
      ),
    )
    // New writes are counted from here on, on top of what the upgrade counted.
    await submitEnquiry(app, { courseInterest: 'Nursing', priority: 'high', source: 'referral' })
    await assertFilteredTotalsMatchStoredRows(app, admin, [old])
  })
})
