import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, createEmployee, type TestEmployee } from './support/app.js'
import {
  type CursorListBody,
  claim,
  list,
  submitEnquiry,
  walkByCursor,
} from './support/enquiries.js'

describe('Cursor paging (GET /api/enquiries/unclaimed and GET /api/enquiries)', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  const ids: string[] = [] // in submission order
  before(async () => {
    app = await buildTestApp()
    admin = await createEmployee(app, { role: 'admin' })
    const priorities = ['low', 'high', 'medium', 'high', 'low', 'medium', 'high', 'medium', 'low']
    for (const [i, priority] of priorities.entries()) {
      ids.push(await submitEnquiry(app, { name: `Student ${i}`, priority }))
    }
  })
  after(() => app.close())

  const page = async (url: string) => {
    const { status, body } = await list(app, url, admin.token)
    return { status, body: body as CursorListBody }
  }

  const walk = (base: string) => walkByCursor(app, base, admin.token)

  test('following nextCursor walks every order exactly as page numbers do', async () => {
    for (const sort of ['newest', 'oldest', 'priority']) {
      const byCursor = await walk(`/api/enquiries/unclaimed?limit=2&sort=${sort}`)
      const byPage: string[] = []
      for (let n = 1; n <= 5; n++) {
        byPage.push(
          ...(await page(`/api/enquiries/unclaimed?limit=2&sort=${sort}&page=${n}`)).body.data.map(
            (e) => e._id,
          ),
        )
      }
      assert.deepEqual(byCursor.seen, byPage, sort)
      assert.equal(byCursor.seen.length, 9)
      assert.deepEqual(byCursor.pages, [1, 2, 3, 4, 5], 'page numbers carry on')
      assert.equal(byCursor.last.nextCursor, null, 'the last page says there is no next one')
      assert.equal(byCursor.last.total, 9)
      assert.equal(byCursor.last.pages, 5)
    }
  })

  test('a cursor keeps its place when new enquiries arrive and others are claimed meanwhile', async (t) => {
    const local = await buildTestApp(t)
    const counselor = await createEmployee(local)
    const older: string[] = []
    for (let i = 0; i < 6; i++) older.push(await submitEnquiry(local, { name: `Old ${i}` }))
    const first = await list(local, '/api/enquiries/unclaimed?limit=3', counselor.token)
    const cursor = (first.body as CursorListBody).nextCursor
    assert.ok(cursor)
    // Three new enquiries land on top of the newest-first pool, and one shown one is claimed.
    for (let i = 0; i < 3; i++) await submitEnquiry(local, { name: `New ${i}` })
    await claim(local, older[5] ?? '', counselor.token)
    const next = await list(
      local,
      `/api/enquiries/unclaimed?limit=3&cursor=${cursor}`,
      counselor.token,
    )
    assert.deepEqual(
      next.body.data.map((e) => e._id),
      [older[2], older[1], older[0]],
      'continues after the last row shown, neither repeating nor skipping',
    )
    assert.equal(next.body.total, 8)
  })

  test('the admin list pages by cursor with its filters', async () => {
    const walked = await walk('/api/enquiries?limit=2&priority=high&sort=oldest')
    assert.deepEqual(walked.seen, [ids[1], ids[3], ids[6]])
    assert.deepEqual(walked.pages, [1, 2])
  })

  test('a cursor that is not one, or belongs to another order, is a 400 naming the cursor', async () => {
    const first = await page('/api/enquiries/unclaimed?limit=2&sort=newest')
    const cursor = first.body.nextCursor ?? ''
    const forged = (fields: unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url')
    for (const bad of [
      'not-a-cursor',
      forged(['newest', 2, 'yesterday', ids[0], 'low']),
      forged(['newest', 0, '2026-01-01T00:00:00.000Z', ids[0], 'low']),
      forged(['newest', 2, '2026-01-01T00:00:00.000Z', "x' OR 1=1 --", 'low']),
      forged(['newest', 2, '2026-01-01T00:00:00.000Z', ids[0], 'urgent']),
      forged({ a: 1 } as unknown as unknown[]),
    ]) {
      const { status, body } = await page(`/api/enquiries/unclaimed?cursor=${bad}`)
      assert.equal(status, 400, bad)
      assert.equal((body as unknown as { errors: { field: string }[] }).errors[0]?.field, 'cursor')
    }
    const otherOrder = await page(`/api/enquiries/unclaimed?sort=oldest&cursor=${cursor}`)
    assert.equal(otherOrder.status, 400)
    assert.match(JSON.stringify(otherOrder.body), /sort=newest/)
  })

  test('my-enquiries pages by number only (a counselor holds few leads): no nextCursor', async () => {
    const { status, body } = await list(app, '/api/enquiries/my-enquiries', admin.token)
    assert.equal(status, 200)
    assert.equal('nextCursor' in body, false)
  })
})
