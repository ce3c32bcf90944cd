import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { employees, enquiries } from '../src/db/schema/index.js'
import { neutralizeFormula } from '../src/modules/enquiries/export.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  employeeRef,
  fieldErrors,
  type TestEmployee,
} from './support/app.js'
import { claim, detail, lastActivity, list, setStatus, submitEnquiry } from './support/enquiries.js'

describe('GET /api/enquiries (admin)', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  let ann: TestEmployee
  const ids: Record<string, string> = {}
  before(async () => {
    app = await buildTestApp()
    admin = await createEmployee(app, { role: 'admin' })
    ann = await createEmployee(app)
    ids.pool = await submitEnquiry(app, { name: 'Pool Person', priority: 'high', source: 'event' })
    ids.claimed = await submitEnquiry(app, { name: 'Claimed Person', courseInterest: 'Nursing' })
    ids.lost = await submitEnquiry(app, { name: 'Lost Person', source: 'referral' })
    await claim(app, ids.claimed, ann.token)
    await claim(app, ids.lost, ann.token)
    await setStatus(app, ids.lost, 'lost', ann.token)
    // One enquiry from last year, to filter on dates.
    ids.old = await submitEnquiry(app, { name: 'Old Person' })
    await app.db
      .update(enquiries)
      .set({ createdAt: new Date('2025-01-15T12:00:00Z') })
      .where(eq(enquiries.id, ids.old))
  })
  after(() => app.close())

  const adminList = async (query: string) =>
    (await list(app, `/api/enquiries?limit=100&${query}`, admin.token)).body.data
      .map((e) => e._id)
      .sort()

  test('lists every enquiry, whatever its status, in the usual envelope', async () => {
    const { status, body } = await list(app, '/api/enquiries', admin.token)
    assert.equal(status, 200)
    assert.deepEqual([body.total, body.count, body.page, body.pages], [4, 4, 1, 1])
  })

  test('filters by status, owner (or none), priority, source, course, search and dates', async () => {
    assert.deepEqual(await adminList('status=lost'), [ids.lost])
    assert.deepEqual(await adminList(`claimedBy=${ann.id}`), [ids.claimed, ids.lost].sort())
    assert.deepEqual(await adminList('claimedBy=none'), [ids.pool, ids.old].sort())
    assert.deepEqual(await adminList('priority=high'), [ids.pool])
    assert.deepEqual(await adminList('source=referral'), [ids.lost])
    assert.deepEqual(await adminList('courseInterest=Nursing'), [ids.claimed])
    assert.deepEqual(await adminList('q=claimed%20person'), [ids.claimed])
    assert.deepEqual(
      await adminList('to=2025-01-15'),
      [ids.old],
      'a bare to-date includes that whole day',
    )
    assert.deepEqual(await adminList('from=2025-01-16'), [ids.pool, ids.claimed, ids.lost].sort())
    assert.deepEqual(await adminList('from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z'), [
      ids.old,
    ])
  })

  test('bad filters are a 400', async () => {
    for (const query of [
      'status=open',
      'claimedBy=someone',
      'from=yesterday',
      'to=2025-13-45',
      'sort=random',
      'page=0',
    ]) {
      assert.equal((await list(app, `/api/enquiries?${query}`, admin.token)).status, 400, query)
    }
  })

  test('a counselor gets 403 and anonymous 401', async () => {
    assertError(await list(app, '/api/enquiries', ann.token), 403, 'ADMIN_ONLY')
    assert.equal((await call(app, { method: 'GET', url: '/api/enquiries' })).status, 401)
  })
})

describe('POST /api/enquiries/:id/assign', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  let ann: TestEmployee
  let bob: TestEmployee
  before(async () => {
    app = await buildTestApp()
    admin = await createEmployee(app, { role: 'admin', name: 'Admin' })
    ann = await createEmployee(app, { name: 'Ann' })
    bob = await createEmployee(app, { name: 'Bob' })
  })
  after(() => app.close())

  const assign = (id: string, employeeId: string, token = admin.token) =>
    call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/assign`,
      token,
      payload: { employeeId },
    })

  test('assigns a pool enquiry: claimed by that employee, with an entry naming both', async () => {
    const id = await submitEnquiry(app)
    const { status, body } = await assign(id, ann.id)
    assert.equal(status, 200)
    const data = body.data as Record<string, unknown>
    assert.equal(data.status, 'claimed')
    assert.deepEqual(data.claimedBy, employeeRef(ann))
    const entry = await lastActivity(app, id, admin.token)
    assert.equal(entry?.type, 'assigned')
    assert.deepEqual(entry?.actor, employeeRef(admin))
    assert.deepEqual(entry?.employee, employeeRef(ann))
    assert.equal(entry?.previousOwner, null)
    const mine = await list(app, '/api/enquiries/my-enquiries', ann.token)
    assert.ok(mine.body.data.some((e) => e._id === id))
  })

  test('takes a lead from another owner, keeping its progress', async () => {
    const id = await submitEnquiry(app)
    await claim(app, id, ann.token)
    await setStatus(app, id, 'contacted', ann.token)
    const { status, body } = await assign(id, bob.id)
    assert.equal(status, 200)
    assert.deepEqual(
      [
        (body.data as { status: string }).status,
        (body.data as { claimedBy: { _id: string } }).claimedBy._id,
      ],
      ['contacted', bob.id],
    )
    const entry = await lastActivity(app, id, admin.token)
    assert.deepEqual(entry?.previousOwner, employeeRef(ann))
    assert.equal(
      (await detail(app, id, ann.token)).status,
      403,
      'the previous owner no longer reads it',
    )
  })

  test('the target must exist and be active (400); a converted or lost enquiry is a 409', async () => {
    const id = await submitEnquiry(app)
    const inactive = await createEmployee(app)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, inactive.id))
    const unknown = await assign(id, 'aaaaaaaaaaaaaaaaaaaaaaaa')
    assertError(unknown, 400, 'INVALID_ASSIGNEE')
    assert.deepEqual(fieldErrors(unknown.body), [
      { field: 'employeeId', message: 'must be an active employee' },
    ])
    assertError(await assign(id, inactive.id), 400, 'INVALID_ASSIGNEE')
    assertError(await assign(id, 'not-an-id'), 400, 'VALIDATION_FAILED')
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(row?.status, 'unclaimed', 'nothing changed')

    const closed = await submitEnquiry(app)
    await claim(app, closed, ann.token)
    await setStatus(app, closed, 'converted', ann.token)
    assertError(await assign(closed, bob.id), 409, 'ENQUIRY_CLOSED')
    assertError(await assign('bbbbbbbbbbbbbbbbbbbbbbbb', bob.id), 404, 'ENQUIRY_NOT_FOUND')
  })

  test('a counselor gets 403', async () => {
    const id = await submitEnquiry(app)
    assert.equal((await assign(id, ann.id, ann.token)).status, 403)
  })
})

describe('GET /api/stats', () => {
  test('every figure matches what the list endpoints count for the same dates', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const ann = await createEmployee(app, { name: 'Ann' })
    const bob = await createEmployee(app, { name: 'Bob' })
    const plan: [string, string | undefined, string][] = [
      ['Web', undefined, 'website'],
      ['Web', 'claimed', 'referral'],
      ['Web', 'contacted', 'website'],
      ['Data', 'converted', 'event'],
      ['Data', 'lost', 'website'],
      ['Data', 'converted', 'website'],
      ['Art', undefined, 'referral'],
    ]
    for (const [index, [course, status, source]] of plan.entries()) {
      const id = await submitEnquiry(app, {
        courseInterest: course,
        source,
        priority: index % 2 ? 'high' : 'low',
      })
      const owner = index % 2 ? ann : bob
      if (status) await claim(app, id, owner.token)
      if (status === 'converted' || status === 'lost')
        await setStatus(app, id, 'contacted', owner.token)
      if (status && status !== 'claimed') await setStatus(app, id, status, owner.token)
    }
    const old = await submitEnquiry(app, { courseInterest: 'Old' })
    await app.db
      .update(enquiries)
      .set({ createdAt: new Date('2020-06-01T00:00:00Z') })
      .where(eq(enquiries.id, old))

    const range = 'from=2021-01-01&to=2100-01-01'
    const { status, body } = await call(app, {
      method: 'GET',
      url: `/api/stats?${range}`,
      token: admin.token,
    })
    assert.equal(status, 200)
    const data = body.data as {
      byStatus: Record<string, number>
      bySource: Record<string, number>
      byPriority: Record<string, number>
      byCourse: { courseInterest: string; count: number }[]
      counselors: {
        _id: string
        claimed: number
        contacted: number
        converted: number
        lost: number
        conversionRate: number
      }[]
      funnel: Record<string, number>
      timeToClaim: { medianSeconds: number | null; p90Seconds: number | null }
      oldestUnclaimedAt: string | null
    }
    const total = async (query: string) =>
      (await list(app, `/api/enquiries?${range}&${query}`, admin.token)).body.total
    for (const [status, count] of Object.entries(data.byStatus))
      assert.equal(count, await total(`status=${status}`), status)
    for (const [source, count] of Object.entries(data.bySource))
      assert.equal(count, await total(`source=${source}`), source)
    for (const [priority, count] of Object.entries(data.byPriority))
      assert.equal(count, await total(`priority=${priority}`), priority)
    for (const { courseInterest, count } of data.byCourse) {
      assert.equal(count, await total(`courseInterest=${courseInterest}`), courseInterest)
    }
    assert.deepEqual(
      data.byCourse.map((c) => c.courseInterest),
      ['Data', 'Web', 'Art'],
      'largest first; the 2020 one is outside',
    )
    assert.deepEqual(data.byStatus, {
      unclaimed: 2,
      claimed: 1,
      contacted: 1,
      converted: 2,
      lost: 1,
    })
    assert.deepEqual(data.funnel, { submitted: 7, claimed: 5, contacted: 4, converted: 2 })

    for (const counselor of data.counselors) {
      for (const status of ['claimed', 'contacted', 'converted', 'lost'] as const) {
        assert.equal(
          counselor[status],
          await total(`claimedBy=${counselor._id}&status=${status}`),
          `${counselor._id} ${status}`,
        )
      }
    }
    const annRow = data.counselors.find((c) => c._id === ann.id)
    const annHeld =
      (annRow?.claimed ?? 0) +
      (annRow?.contacted ?? 0) +
      (annRow?.converted ?? 0) +
      (annRow?.lost ?? 0)
    assert.equal(
      annRow?.conversionRate,
      Math.round(((annRow?.converted ?? 0) / annHeld) * 10000) / 10000,
    )

    assert.ok(data.timeToClaim.medianSeconds !== null && data.timeToClaim.medianSeconds >= 0)
    assert.ok((data.timeToClaim.p90Seconds ?? -1) >= data.timeToClaim.medianSeconds)
    const pool = await list(
      app,
      `/api/enquiries?${range}&status=unclaimed&sort=oldest&limit=1`,
      admin.token,
    )
    assert.equal(data.oldestUnclaimedAt, pool.body.data[0]?.createdAt)

    const everything = await call(app, { method: 'GET', url: '/api/stats', token: admin.token })
    assert.equal((everything.body.data as { funnel: { submitted: number } }).funnel.submitted, 8)
  })

  test('an empty range gives zeros and nulls; a counselor gets 403', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const { body } = await call(app, { method: 'GET', url: '/api/stats', token: admin.token })
    const data = body.data as Record<string, unknown>
    assert.deepEqual(data.byStatus, {
      unclaimed: 0,
      claimed: 0,
      contacted: 0,
      converted: 0,
      lost: 0,
    })
    assert.deepEqual(data.timeToClaim, { medianSeconds: null, p90Seconds: null })
    assert.equal(data.oldestUnclaimedAt, null)
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/stats', token: counselor.token })).status,
      403,
    )
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/stats?from=soon', token: admin.token })).status,
      400,
    )
  })
})

describe('GET /api/enquiries/export?format=csv', () => {
  const exportCsv = (app: FastifyInstance, token: string, query = '') =>
    app.inject({
      method: 'GET',
      url: `/api/enquiries/export?format=csv${query}`,
      headers: { authorization: `Bearer ${token}` },
    })

  test('streams every matching enquiry as RFC 4180 CSV with a header row', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const ann = await createEmployee(app, { name: 'Ann, "The" Counselor' })
    const tricky = await submitEnquiry(app, {
      name: 'Zoë "Zed" O\'Neil',
      message: 'line one\nline two, with comma',
      courseInterest: 'Café ☕',
    })
    await claim(app, tricky, ann.token)
    await submitEnquiry(app, { name: 'Plain Person' })

    const response = await exportCsv(app, admin.token)
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8')
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="enquiries-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    const rows = parse(response.body, { columns: true }) as Record<string, string>[]
    assert.equal(rows.length, 2)
    const first = rows[0]
    assert.equal(first?.id, tricky)
    assert.equal(first?.name, 'Zoë "Zed" O\'Neil')
    assert.equal(first?.message, 'line one\nline two, with comma')
    assert.equal(first?.courseInterest, 'Café ☕')
    assert.equal(first?.claimedByName, 'Ann, "The" Counselor')
    assert.equal(first?.status, 'claimed')
    assert.ok(response.body.includes('\r\n'), 'CRLF line ends')
    assert.ok(
      response.body.startsWith(
        'id,name,email,phone,courseInterest,message,status,source,priority,',
      ),
    )
  })

  test('cells that a spreadsheet would run as a formula get a leading quote', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    for (const name of ['=HYPERLINK("http://evil.example","x")', '+cmd', '-2+3', '@SUM(A1)']) {
      await submitEnquiry(app, { name, message: '=1+1' })
    }
    const rows = parse((await exportCsv(app, admin.token)).body, { columns: true }) as Record<
      string,
      string
    >[]
    assert.deepEqual(
      rows.map((r) => r.name).sort(),
      ["'+cmd", "'-2+3", '\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)"].sort(),
    )
    assert.ok(rows.every((r) => r.message === "'=1+1"))
    // Leading tabs and carriage returns cannot arrive through the form (it trims), but imports can.
    assert.equal(neutralizeFormula('\tx'), "'\tx")
    assert.equal(neutralizeFormula('\rx'), "'\rx")
    assert.equal(neutralizeFormula('plain = fine'), 'plain = fine')
  })

  test('a line break inside a value is quoted, and no line of the file starts a formula', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const message = "hello\n=cmd|' /C calc'!A0\n+1\r\n@SUM(A1)\n-2"
    const id = await submitEnquiry(app, { message })
    const { body } = await exportCsv(app, admin.token)
    assert.ok(
      body.includes(`"hello\n'=cmd|' /C calc'!A0\n'+1\r\n'@SUM(A1)\n'-2"`),
      'the whole message is one quoted cell',
    )
    for (const line of body.split(/\r\n|\n|\r/)) assert.doesNotMatch(line, /^[=+\-@\t]/)
    const rows = parse(body, { columns: true }) as Record<string, string>[]
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.id, id)
    assert.equal(rows[0]?.message, "hello\n'=cmd|' /C calc'!A0\n'+1\r\n'@SUM(A1)\n'-2")
  })

  test('follows the admin filters and crosses batch boundaries without losing or repeating a row', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    // 2,500 rows in one statement, many sharing a creation time, so batches split ties.
    await app.db.execute(sql`
      INSERT INTO enquiries (id, name, email, phone, course_interest, source, created_at, updated_at)
      SELECT lpad(to_hex(n), 24, '0'), 'Bulk ' || n, 'bulk' || n || '@example.com', '555' || lpad(n::text, 7, '0'),
             CASE WHEN n % 5 = 0 THEN 'Five' ELSE 'Other' END, 'website',
             timestamp '2024-01-01' + (n / 10) * interval '1 second', now()
      FROM generate_series(1, 2500) AS n`)
    const rows = parse((await exportCsv(app, admin.token)).body, { columns: true }) as Record<
      string,
      string
    >[]
    assert.equal(rows.length, 2500)
    assert.equal(new Set(rows.map((r) => r.id)).size, 2500)
    const five = parse((await exportCsv(app, admin.token, '&courseInterest=Five')).body, {
      columns: true,
    }) as unknown[]
    assert.equal(five.length, 500)
  })

  test('a counselor gets 403; any format but csv is a 400', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    assert.equal((await exportCsv(app, counselor.token)).statusCode, 403)
    const xlsx = await app.inject({
      method: 'GET',
      url: '/api/enquiries/export?format=xlsx',
      headers: { authorization: `Bearer ${admin.token}` },
    })
    assert.equal(xlsx.statusCode, 400)
  })
})
