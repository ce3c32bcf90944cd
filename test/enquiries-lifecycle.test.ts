import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { activity, enquiries, notes } from '../src/db/schema/index.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  employeeRef,
  fieldErrors,
  type TestEmployee,
} from './support/app.js'
import {
  claim,
  detail,
  lastActivity,
  list,
  setStatus as setEnquiryStatus,
  submitEnquiry,
} from './support/enquiries.js'

let app: FastifyInstance
let owner: TestEmployee
let other: TestEmployee
let admin: TestEmployee

before(async () => {
  app = await buildTestApp()
  owner = await createEmployee(app, { name: 'Owner One' })
  other = await createEmployee(app, { name: 'Other Two' })
  admin = await createEmployee(app, { role: 'admin', name: 'Admin Three' })
})
after(() => app.close())

const setStatus = (id: string, status: string, token: string) =>
  setEnquiryStatus(app, id, status, token)
const addNote = (id: string, text: unknown, token: string) =>
  call(app, { method: 'POST', url: `/api/enquiries/${id}/notes`, token, payload: { text } })
const release = (id: string, token: string) =>
  call(app, { method: 'POST', url: `/api/enquiries/${id}/release`, token })

async function claimedByOwner(): Promise<string> {
  const id = await submitEnquiry(app)
  assert.equal((await claim(app, id, owner.token)).status, 200)
  return id
}

async function activityTypes(id: string): Promise<string[]> {
  const { body } = await detail(app, id, admin.token)
  return (body.data as { activity: { type: string }[] }).activity.map((entry) => entry.type)
}

describe('GET /api/enquiries/:id', () => {
  test('returns the whole enquiry with its notes and activity, oldest first', async () => {
    const id = await claimedByOwner()
    await addNote(id, 'First call', owner.token)
    await addNote(id, 'Second call', owner.token)
    const { status, body } = await detail(app, id, owner.token)
    assert.equal(status, 200)
    const data = body.data as Record<string, unknown> & {
      notes: { _id: string; text: string; addedBy: unknown; addedAt: string }[]
      activity: { type: string; actor: unknown; at: string }[]
    }
    assert.equal(data._id, id)
    assert.equal(data.status, 'claimed')
    assert.deepEqual(
      data.notes.map((n) => n.text),
      ['First call', 'Second call'],
    )
    assert.deepEqual(data.notes[0]?.addedBy, employeeRef(owner))
    assert.match(data.notes[0]?._id ?? '', /^[0-9a-f]{24}$/)
    assert.deepEqual(
      data.activity.map((a) => a.type),
      ['created', 'claimed', 'note_added', 'note_added'],
    )
    assert.equal(data.activity[0]?.actor, null)
    assert.deepEqual(data.activity[1]?.actor, employeeRef(owner))
  })

  test('a counselor may read an unclaimed enquiry', async () => {
    const id = await submitEnquiry(app)
    assert.equal((await detail(app, id, other.token)).status, 200)
  })

  test("a counselor cannot read another counselor's claimed enquiry (403); an admin can", async () => {
    const id = await claimedByOwner()
    const denied = await detail(app, id, other.token)
    assertError(denied, 403, 'ENQUIRY_NOT_YOURS')
    assert.equal((await detail(app, id, admin.token)).status, 200)
  })

  test('unknown id 404, malformed id 400, no token 401', async () => {
    assertError(
      await detail(app, 'bbbbbbbbbbbbbbbbbbbbbbbb', owner.token),
      404,
      'ENQUIRY_NOT_FOUND',
    )
    assert.equal((await detail(app, 'not-an-id', owner.token)).status, 400)
    const id = await submitEnquiry(app)
    assert.equal((await call(app, { method: 'GET', url: `/api/enquiries/${id}` })).status, 401)
  })
})

describe('PUT /api/enquiries/:id/status', () => {
  test('the owner moves a lead to contacted then converted; each change is recorded with from and to', async () => {
    const id = await claimedByOwner()
    const contacted = await setStatus(id, 'contacted', owner.token)
    assert.equal(contacted.status, 200)
    assert.equal((contacted.body.data as { status: string }).status, 'contacted')
    assert.equal((await setStatus(id, 'converted', owner.token)).status, 200)
    const { body } = await detail(app, id, owner.token)
    const changes = (body.data as { activity: Record<string, unknown>[] }).activity.filter(
      (a) => a.type === 'status_changed',
    )
    assert.deepEqual(
      changes.map((c) => [c.from, c.to]),
      [
        ['claimed', 'contacted'],
        ['contacted', 'converted'],
      ],
    )
  })

  test('a status outside contacted, converted and lost is a 400 naming the allowed values', async () => {
    const id = await claimedByOwner()
    for (const status of ['unclaimed', 'claimed', 'won', '']) {
      const { status: code, body } = await setStatus(id, status, owner.token)
      assert.equal(code, 400, status)
      assert.deepEqual(fieldErrors(body), [
        { field: 'status', message: 'must be one of: contacted, converted, lost' },
      ])
    }
  })

  test("a counselor cannot change another counselor's lead or an unclaimed one (403)", async () => {
    const id = await claimedByOwner()
    assertError(await setStatus(id, 'contacted', other.token), 403, 'ENQUIRY_NOT_YOURS')
    const unclaimed = await submitEnquiry(app)
    assert.equal((await setStatus(unclaimed, 'contacted', other.token)).status, 403)
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(row?.status, 'claimed')
  })

  test('an admin changing an unclaimed enquiry gets 409: claim or assign it first', async () => {
    const id = await submitEnquiry(app)
    const { status, body } = await setStatus(id, 'contacted', admin.token)
    assert.equal(status, 409)
    assert.equal(body.code, 'ENQUIRY_NOT_CLAIMED')
  })

  test('an admin may change any claimed lead', async () => {
    const id = await claimedByOwner()
    assert.equal((await setStatus(id, 'lost', admin.token)).status, 200)
  })

  test('converted and lost are final for counselors; an admin may reopen to contacted only', async () => {
    for (const final of ['converted', 'lost']) {
      const id = await claimedByOwner()
      await setStatus(id, final, owner.token)
      assertError(await setStatus(id, 'contacted', owner.token), 409, 'ENQUIRY_CLOSED')
      const other = final === 'converted' ? 'lost' : 'converted'
      assertError(await setStatus(id, other, admin.token), 409, 'INVALID_STATUS_TRANSITION')
      const reopened = await setStatus(id, 'contacted', admin.token)
      assert.equal(reopened.status, 200)
      assert.equal((reopened.body.data as { status: string }).status, 'contacted')
    }
  })

  test('reopening a lead whose person has since sent a new enquiry is a 409', async () => {
    const id = await claimedByOwner()
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    await setStatus(id, 'lost', owner.token)
    await submitEnquiry(app, { email: row?.email ?? '' })
    const { status, body } = await setStatus(id, 'contacted', admin.token)
    assert.equal(status, 409)
    assert.equal(body.code, 'DUPLICATE_OPEN_ENQUIRY')
  })

  test('setting the current status again is a 200 that records nothing', async () => {
    const id = await claimedByOwner()
    await setStatus(id, 'contacted', owner.token)
    const before = await activityTypes(id)
    assert.equal((await setStatus(id, 'contacted', owner.token)).status, 200)
    assert.deepEqual(await activityTypes(id), before)
  })

  test('unknown id 404', async () => {
    assert.equal(
      (await setStatus('cccccccccccccccccccccccc', 'contacted', admin.token)).status,
      404,
    )
  })
})

describe('POST /api/enquiries/:id/notes', () => {
  test('the owner adds a trimmed note: 201 "Note added" with the enquiry and its notes', async () => {
    const id = await claimedByOwner()
    const { status, body } = await addNote(
      id,
      '  Called the student, interested in our course  ',
      owner.token,
    )
    assert.equal(status, 201)
    assert.equal(body.message, 'Note added')
    const data = body.data as { _id: string; notes: { text: string }[] }
    assert.equal(data._id, id)
    assert.deepEqual(
      data.notes.map((n) => n.text),
      ['Called the student, interested in our course'],
    )
    const stored = await app.db.select().from(notes).where(eq(notes.enquiryId, id))
    assert.equal(stored[0]?.addedBy, owner.id)
  })

  test('an empty, blank or over-long note is a 400 and stores nothing', async () => {
    const id = await claimedByOwner()
    for (const text of ['', '   ', 'x'.repeat(2001), 42]) {
      assert.equal((await addNote(id, text, owner.token)).status, 400, String(text).slice(0, 10))
    }
    assert.equal((await app.db.select().from(notes).where(eq(notes.enquiryId, id))).length, 0)
  })

  test('2000 characters after trimming is accepted', async () => {
    const id = await claimedByOwner()
    assert.equal((await addNote(id, ` ${'y'.repeat(2000)} `, owner.token)).status, 201)
  })

  test('only the owner or an admin may add notes (403 otherwise)', async () => {
    const id = await claimedByOwner()
    assert.equal((await addNote(id, 'sneaky', other.token)).status, 403)
    assert.equal((await addNote(await submitEnquiry(app), 'on the pool', other.token)).status, 403)
    assert.equal((await addNote(id, 'from the admin', admin.token)).status, 201)
  })
})

describe('POST /api/enquiries/:id/release', () => {
  test('the owner gives a lead back: unclaimed, owner and time cleared, back in the pool', async () => {
    const id = await claimedByOwner()
    await setStatus(id, 'contacted', owner.token)
    const { status, body } = await release(id, owner.token)
    assert.equal(status, 200)
    const data = body.data as Record<string, unknown>
    assert.deepEqual([data.status, data.claimedBy, data.claimedAt], ['unclaimed', null, null])
    const pool = await list(app, '/api/enquiries/unclaimed?limit=100', other.token)
    assert.ok(pool.body.data.some((e) => e._id === id))
    const released = await lastActivity(app, id, admin.token)
    assert.equal(released?.type, 'released')
    assert.deepEqual(released?.previousOwner, employeeRef(owner))
    assert.equal(
      (await claim(app, id, other.token)).status,
      200,
      'another counselor may claim it now',
    )
  })

  test('an unclaimed, converted or lost enquiry cannot be released (409), even by a stranger', async () => {
    assertError(await release(await submitEnquiry(app), other.token), 409, 'ENQUIRY_NOT_CLAIMED')
    const converted = await claimedByOwner()
    await setStatus(converted, 'converted', owner.token)
    assertError(await release(converted, other.token), 409, 'ENQUIRY_CLOSED')
    assertError(await release(converted, admin.token), 409, 'ENQUIRY_CLOSED')
  })

  test('only the owner or an admin may release (403 otherwise)', async () => {
    const id = await claimedByOwner()
    assertError(await release(id, other.token), 403, 'ENQUIRY_NOT_YOURS')
    assert.equal((await release(id, admin.token)).status, 200)
  })
})

describe('activity history', () => {
  test('a rejected change leaves neither the change nor an entry', async () => {
    const id = await claimedByOwner()
    const before = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    // A status change rejected halfway (a lead for this person is already open) rolls back whole.
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    await setStatus(id, 'lost', owner.token)
    await submitEnquiry(app, { email: row?.email ?? '' })
    const afterLost = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    assert.equal(afterLost.length, before.length + 1)
    assertError(await setStatus(id, 'contacted', admin.token), 409, 'DUPLICATE_OPEN_ENQUIRY')
    const [unchanged] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(unchanged?.status, 'lost')
    assert.equal(
      (await app.db.select().from(activity).where(eq(activity.enquiryId, id))).length,
      afterLost.length,
    )
  })

  test('every kind of change leaves its entry, in order', async () => {
    const id = await submitEnquiry(app)
    await claim(app, id, owner.token)
    await setStatus(id, 'contacted', owner.token)
    await addNote(id, 'hello', owner.token)
    await release(id, owner.token)
    assert.deepEqual(await activityTypes(id), [
      'created',
      'claimed',
      'status_changed',
      'note_added',
      'released',
    ])
  })
})
