import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { activity, enquiries } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, employeeRef, fieldErrors } from './support/app.js'
import { claim, list, submitEnquiry } from './support/enquiries.js'

describe('POST /api/enquiries/:id/claim', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  test('claims an unclaimed enquiry: 200 with the seed body, and it leaves the pool', async () => {
    const counselor = await createEmployee(app, { name: 'John Doe' })
    const id = await submitEnquiry(app, { name: 'Alice Smith' })
    const { status, body } = await claim(app, id, counselor.token)
    assert.equal(status, 200)
    assert.equal(body.success, true)
    assert.equal(body.message, 'Enquiry claimed successfully')
    const data = body.data as Record<string, unknown>
    assert.equal(data._id, id)
    assert.equal(data.name, 'Alice Smith')
    assert.equal(data.status, 'claimed')
    assert.deepEqual(data.claimedBy, employeeRef(counselor))
    assert.ok(!Number.isNaN(Date.parse(String(data.claimedAt))))

    const pool = await list(app, '/api/enquiries/unclaimed?limit=100', counselor.token)
    assert.ok(!pool.body.data.some((e) => e._id === id))
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(row?.claimedBy, counselor.id)
    const entries = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    assert.deepEqual(entries.map((e) => [e.type, e.actorId]).sort(), [
      ['claimed', counselor.id],
      ['created', null],
    ])
  })

  test('an enquiry claimed by someone else is a 409 "Enquiry has already been claimed"', async () => {
    const first = await createEmployee(app)
    const second = await createEmployee(app)
    const id = await submitEnquiry(app)
    await claim(app, id, first.token)
    const { status, body } = await claim(app, id, second.token)
    assert.equal(status, 409)
    assert.equal(body.code, 'ENQUIRY_ALREADY_CLAIMED')
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(row?.claimedBy, first.id, 'the first owner keeps it')
  })

  test('claiming your own enquiry again is a 409', async () => {
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    await claim(app, id, counselor.token)
    const { status, body } = await claim(app, id, counselor.token)
    assert.equal(status, 409)
    assert.equal(body.code, 'ENQUIRY_ALREADY_YOURS')
  })

  test('an unknown id is a 404 and a malformed one a 400', async () => {
    const counselor = await createEmployee(app)
    const unknown = await claim(app, 'aaaaaaaaaaaaaaaaaaaaaaaa', counselor.token)
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.code, 'ENQUIRY_NOT_FOUND')
    for (const bad of [
      '123',
      'zzzzzzzzzzzzzzzzzzzzzzzz',
      'AAAAAAAAAAAAAAAAAAAAAAAA',
      "' OR 1=1 --",
    ]) {
      const { status, body } = await claim(app, encodeURIComponent(bad), counselor.token)
      assert.equal(status, 400, bad)
      assert.deepEqual(fieldErrors(body), [
        { field: 'id', message: 'must be a 24-character hexadecimal id' },
      ])
    }
  })

  test('needs a token', async () => {
    const id = await submitEnquiry(app)
    assert.equal(
      (await call(app, { method: 'POST', url: `/api/enquiries/${id}/claim` })).status,
      401,
    )
  })

  test('20 counselors claiming one enquiry at once: exactly one 200, nineteen 409', async () => {
    const counselors = await Promise.all(Array.from({ length: 20 }, () => createEmployee(app)))
    const id = await submitEnquiry(app)
    const results = await Promise.all(counselors.map((c) => claim(app, id, c.token)))
    const statuses = results.map((r) => r.status)
    assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses))
    assert.equal(statuses.filter((s) => s === 409).length, 19, String(statuses))
    const winner = counselors[statuses.indexOf(200)]
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(row?.claimedBy, winner?.id)
    const claims = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    assert.equal(claims.filter((e) => e.type === 'claimed').length, 1)
  })
})
