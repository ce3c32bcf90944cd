import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { createPglite, wrapPglite } from '../src/db/client.js'
import {
  buildTestApp,
  call,
  createEmployee,
  employeeRef,
  type TestEmployee,
  testConfig,
} from './support/app.js'
import { claim, list, submitEnquiry } from './support/enquiries.js'

describe('GET /api/enquiries/unclaimed', () => {
  let app: FastifyInstance
  let counselor: TestEmployee
  const ids: string[] = [] // in submission order
  before(async () => {
    app = await buildTestApp()
    counselor = await createEmployee(app)
    const priorities = ['low', 'high', 'medium', 'high', 'low', 'medium', 'high']
    for (const [i, priority] of priorities.entries()) {
      ids.push(
        await submitEnquiry(app, {
          name: `Student ${i}`,
          priority,
          source: i % 2 === 0 ? 'website' : 'referral',
          courseInterest: i < 4 ? 'Web Development' : 'Data Science',
        }),
      )
    }
    // One claimed enquiry must not appear in the pool.
    await claim(app, await submitEnquiry(app, { name: 'Taken' }), counselor.token)
  })
  after(() => app.close())

  const pool = (query = '') => list(app, `/api/enquiries/unclaimed${query}`, counselor.token)

  test('lists the pool newest first with count, total, page and pages', async () => {
    const { status, body } = await pool('?page=1&limit=20')
    assert.equal(status, 200)
    assert.equal(body.success, true)
    assert.deepEqual([body.count, body.total, body.page, body.pages], [7, 7, 1, 1])
    assert.deepEqual(
      body.data.map((e) => e._id),
      [...ids].reverse(),
    )
    const first = body.data[0]
    assert.equal(first?.status, 'unclaimed')
    assert.equal(first?.claimedBy, null)
    for (const key of [
      '_id',
      'name',
      'email',
      'phone',
      'courseInterest',
      'status',
      'source',
      'priority',
      'createdAt',
    ]) {
      assert.ok(key in (first ?? {}), key)
    }
  })

  test('page and limit default to 1 and 20', async () => {
    const { body } = await pool()
    assert.deepEqual([body.page, body.count, body.pages], [1, 7, 1])
  })

  test('walking every page yields each enquiry exactly once, pages = ceil(total / limit)', async () => {
    for (const sort of ['newest', 'oldest', 'priority']) {
      const seen: string[] = []
      for (let page = 1; page <= 4; page++) {
        const { body } = await pool(`?limit=2&page=${page}&sort=${sort}`)
        assert.equal(body.pages, 4)
        assert.equal(body.total, 7)
        assert.equal(body.count, page < 4 ? 2 : 1)
        seen.push(...body.data.map((e) => e._id))
      }
      assert.deepEqual([...seen].sort(), [...ids].sort(), sort)
    }
  })

  test('a page past the end is empty but still counts the total', async () => {
    const { body } = await pool('?page=9&limit=5')
    assert.deepEqual([body.count, body.total, body.pages, body.data.length], [0, 7, 2, 0])
  })

  test('sort=oldest and sort=priority order as documented', async () => {
    assert.deepEqual(
      (await pool('?sort=oldest')).body.data.map((e) => e._id),
      ids,
    )
    const byPriority = (await pool('?sort=priority')).body.data
    assert.deepEqual(
      byPriority.map((e) => e.priority),
      ['high', 'high', 'high', 'medium', 'medium', 'low', 'low'],
    )
    // Within a priority, oldest first.
    assert.deepEqual(
      byPriority.slice(0, 3).map((e) => e._id),
      [ids[1], ids[3], ids[6]],
    )
  })

  test('filters by priority, source, course and a text search', async () => {
    assert.equal((await pool('?priority=high')).body.total, 3)
    assert.equal((await pool('?source=referral')).body.total, 3)
    assert.equal((await pool('?courseInterest=Data%20Science')).body.total, 3)
    assert.equal((await pool('?courseInterest=Data')).body.total, 0, 'course is an exact match')
    assert.deepEqual(
      (await pool('?q=sTuDeNt%203')).body.data.map((e) => e._id),
      [ids[3]],
    )
    assert.equal((await pool('?priority=high&source=referral')).body.total, 2)
  })

  test('search treats % and _ literally', async () => {
    assert.equal((await pool('?q=%25')).body.total, 0)
    assert.equal((await pool('?q=_')).body.total, 0)
    assert.equal((await pool('?q=Student_1')).body.total, 0)
  })

  test('page and limit outside their range, fractional, non-numeric or repeated are a 400', async () => {
    for (const query of [
      '?page=0',
      '?page=-1',
      '?page=1.5',
      '?page=abc',
      '?page=1000001',
      '?limit=0',
      '?limit=101',
      '?limit=2.5',
      '?page=1&page=2',
      '?limit=10&limit=20',
      '?sort=random',
      '?priority=urgent',
    ]) {
      const { status, body } = await pool(query)
      assert.equal(status, 400, query)
      assert.equal(body.success, false)
    }
  })

  test('needs a token', async () => {
    const { status } = await call(app, { method: 'GET', url: '/api/enquiries/unclaimed' })
    assert.equal(status, 401)
  })
})

describe('GET /api/enquiries/my-enquiries', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  test("lists only the caller's enquiries, most recently claimed first, with claimedBy filled in", async () => {
    const mine = await createEmployee(app, { name: 'John Doe' })
    const other = await createEmployee(app)
    const claimedByMe: string[] = []
    for (let i = 0; i < 3; i++) {
      const id = await submitEnquiry(app)
      await claim(app, id, mine.token)
      claimedByMe.push(id)
    }
    await claim(app, await submitEnquiry(app), other.token)

    const { status, body } = await list(
      app,
      '/api/enquiries/my-enquiries?page=1&limit=20',
      mine.token,
    )
    assert.equal(status, 200)
    assert.deepEqual([body.count, body.total, body.page, body.pages], [3, 3, 1, 1])
    assert.deepEqual(
      body.data.map((e) => e._id),
      [...claimedByMe].reverse(),
    )
    assert.deepEqual(body.data[0]?.claimedBy, employeeRef(mine))
    assert.ok(body.data.every((e) => typeof e.claimedAt === 'string'))
  })

  test('filters by status; any other status is a 400', async () => {
    const me = await createEmployee(app)
    const contacted = await submitEnquiry(app)
    await claim(app, contacted, me.token)
    await claim(app, await submitEnquiry(app), me.token)
    await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${contacted}/status`,
      token: me.token,
      payload: { status: 'contacted' },
    })

    const onlyContacted = await list(app, '/api/enquiries/my-enquiries?status=contacted', me.token)
    assert.deepEqual(
      onlyContacted.body.data.map((e) => e._id),
      [contacted],
    )
    assert.equal(
      (await list(app, '/api/enquiries/my-enquiries?status=claimed', me.token)).body.total,
      1,
    )
    for (const status of ['unclaimed', 'open', '']) {
      assert.equal(
        (await list(app, `/api/enquiries/my-enquiries?status=${status}`, me.token)).status,
        400,
        status,
      )
    }
  })
})

describe('list queries', () => {
  test('a page of 20 leads owned by 20 counselors costs two queries: the caller, then page and total', async (t) => {
    const client = await createPglite()
    let queries = 0
    const query = client.query.bind(client)
    client.query = ((...args: Parameters<typeof query>) => {
      queries++
      return query(...args)
    }) as typeof client.query
    // Callers read on every request here; the next test covers reusing them.
    const app = await buildApp(testConfig({ AUTH_CACHE_TTL_MS: '0' }), {
      database: wrapPglite(client),
    })
    t.after(() => app.close())
    const admin = await createEmployee(app, { role: 'admin' })
    for (let i = 0; i < 20; i++) {
      const counselor = await createEmployee(app)
      await claim(app, await submitEnquiry(app), counselor.token)
      await submitEnquiry(app)
    }
    queries = 0
    const pool = await list(app, '/api/enquiries/unclaimed?limit=20', admin.token)
    assert.equal(pool.body.count, 20)
    assert.equal(queries, 2, 'pool: the caller, then the page with its total')

    const counselor = await createEmployee(app)
    for (let i = 0; i < 20; i++) await claim(app, await submitEnquiry(app), counselor.token)
    queries = 0
    const mine = await list(app, '/api/enquiries/my-enquiries?limit=20', counselor.token)
    assert.equal(mine.body.count, 20)
    assert.equal(queries, 2, 'my-enquiries: the caller, then the page with its total')
  })
})
