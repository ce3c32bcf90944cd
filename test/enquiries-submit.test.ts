import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { activity, enquiries } from '../src/db/schema/index.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  uniqueEmail,
} from './support/app.js'
import { detail, enquiryForm, randomPhone } from './support/enquiries.js'

const submit = (app: FastifyInstance, payload: Record<string, unknown>) =>
  call(app, { method: 'POST', url: '/api/enquiries', payload })

describe('POST /api/enquiries', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  const stored = async (id: string) => {
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    return row
  }

  test('anyone may submit the form and gets 201 exactly as the seed shows', async () => {
    const email = uniqueEmail('alice')
    const { status, body } = await submit(app, {
      name: 'Alice Smith',
      email: email.toUpperCase(),
      phone: '1234567890',
      courseInterest: 'Web Development',
      message: 'I want to learn full-stack development',
      source: 'website',
      priority: 'high',
    })
    assert.equal(status, 201)
    assert.equal(body.success, true)
    assert.equal(body.message, 'Enquiry submitted successfully. Our team will contact you soon!')
    const data = body.data as Record<string, string>
    assert.deepEqual(Object.keys(data).sort(), [
      'courseInterest',
      'email',
      'id',
      'name',
      'submittedAt',
    ])
    assert.match(data.id ?? '', /^[0-9a-f]{24}$/)
    assert.equal(data.email, email)
    const row = await stored(data.id ?? '')
    assert.equal(row?.email, email, 'stored lowercased')
    assert.equal(row?.status, 'unclaimed')
    assert.equal(row?.priority, 'high')
    assert.equal(row?.message, 'I want to learn full-stack development')
  })

  test('a submission that fills the honeypot field is answered 201 like any other and stored nowhere', async () => {
    const email = uniqueEmail('bot')
    const { status, body } = await submit(app, {
      ...enquiryForm({ email }),
      website: 'http://spam.example.com',
    })
    assert.equal(status, 201)
    assert.equal(body.message, 'Enquiry submitted successfully. Our team will contact you soon!')
    const data = body.data as { id: string; email: string }
    assert.match(data.id, /^[0-9a-f]{24}$/)
    assert.equal(data.email, email)
    assert.equal(await stored(data.id), undefined)
    assert.equal(
      (await app.db.select().from(enquiries).where(eq(enquiries.email, email))).length,
      0,
    )
    const people = await submit(app, { ...enquiryForm({ email }), website: '  ' })
    assert.equal(people.status, 201, 'an empty honeypot is a person')
    assert.ok(await stored((people.body.data as { id: string }).id))
  })

  test('source defaults to website and priority to medium', async () => {
    const { body } = await submit(app, enquiryForm())
    const row = await stored((body.data as { id: string }).id)
    assert.equal(row?.source, 'website')
    assert.equal(row?.priority, 'medium')
  })

  test('the phone is stored as typed', async () => {
    const phone = `+44 (20) 7946-${String(Math.floor(Math.random() * 9000) + 1000)}`
    const { body } = await submit(app, enquiryForm({ phone }))
    assert.equal((await stored((body.data as { id: string }).id))?.phone, phone)
  })

  test('a source or priority outside the list is a 400 naming the allowed values', async () => {
    const { status, body } = await submit(app, {
      ...enquiryForm(),
      source: 'billboard',
      priority: 'urgent',
    })
    assertError({ status, body }, 400, 'VALIDATION_FAILED')
    assert.deepEqual(fieldErrors(body), [
      {
        field: 'source',
        message:
          'must be one of: website, referral, social_media, email, phone, walk_in, event, advertisement, other',
      },
      { field: 'priority', message: 'must be one of: low, medium, high' },
    ])
  })

  test('missing or invalid required fields are each named', async () => {
    const { status, body } = await submit(app, {
      name: 'A',
      email: 'nope',
      phone: '12-34',
      courseInterest: '',
    })
    assert.equal(status, 400)
    const errors = body.errors as { field: string; message: string }[]
    assert.deepEqual(errors.map((e) => e.field).sort(), [
      'courseInterest',
      'email',
      'name',
      'phone',
    ])
    assert.match(errors.find((e) => e.field === 'phone')?.message ?? '', /7 to 15 digits/)
  })

  test('phones need 7 to 15 digits in an allowed format', async () => {
    for (const phone of ['123456', '1234567890123456', '12345abcde', '++1234567', '1234567+']) {
      assert.equal((await submit(app, enquiryForm({ phone }))).status, 400, phone)
    }
    for (const phone of ['1234567', '+1 (555) 010.0000', '555-0100-1234']) {
      assert.equal(
        (
          await submit(
            app,
            enquiryForm({
              phone: phone.replace(/\d{3}$/, String(Math.floor(Math.random() * 900) + 100)),
            }),
          )
        ).status,
        201,
        phone,
      )
    }
  })

  test('a message over 2000 characters is refused', async () => {
    assert.equal((await submit(app, enquiryForm({ message: 'x'.repeat(2001) }))).status, 400)
  })

  test('an operator object where a string belongs is a 400 and stores nothing', async () => {
    const email = uniqueEmail('inject')
    const { status } = await submit(app, { ...enquiryForm({ email }), name: { $gt: '' } })
    assert.equal(status, 400)
    const rows = await app.db.select().from(enquiries).where(eq(enquiries.email, email))
    assert.equal(rows.length, 0)
  })

  test('status, claimedBy, notes and other unknown properties are ignored', async () => {
    const counselor = await createEmployee(app)
    const { status, body } = await submit(app, {
      ...enquiryForm(),
      status: 'converted',
      claimedBy: counselor.id,
      notes: [{ text: 'planted' }],
      _id: 'ffffffffffffffffffffffff',
    })
    assert.equal(status, 201)
    const id = (body.data as { id: string }).id
    assert.notEqual(id, 'ffffffffffffffffffffffff')
    const row = await stored(id)
    assert.equal(row?.status, 'unclaimed')
    assert.equal(row?.claimedBy, null)
  })

  test('a new enquiry records a created activity entry with no actor', async () => {
    const { body } = await submit(app, enquiryForm())
    const id = (body.data as { id: string }).id
    const entries = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    assert.deepEqual(
      entries.map((e) => [e.type, e.actorId]),
      [['created', null]],
    )
  })
})

describe('POST /api/enquiries by someone who already has an open enquiry', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  const countByEmail = async (email: string) =>
    (await app.db.select().from(enquiries).where(eq(enquiries.email, email))).length

  test('the same email joins the open lead: same id, a resubmitted entry, the higher priority', async () => {
    const email = uniqueEmail('again')
    const first = await submit(app, enquiryForm({ email, priority: 'low' }))
    const firstId = (first.body.data as { id: string }).id
    const second = await submit(
      app,
      enquiryForm({
        email: email.toUpperCase(),
        priority: 'high',
        courseInterest: 'Data Science',
        message: 'Still keen',
      }),
    )
    assert.equal(second.status, 201)
    assert.equal((second.body.data as { id: string }).id, firstId)
    assert.equal(await countByEmail(email), 1)

    const admin = await createEmployee(app, { role: 'admin' })
    const { body } = await detail(app, firstId, admin.token)
    const data = body.data as {
      priority: string
      courseInterest: string
      activity: Record<string, unknown>[]
    }
    assert.equal(data.priority, 'high')
    assert.equal(data.courseInterest, 'Web Development', 'the lead keeps its original course')
    const resubmitted = data.activity.find((entry) => entry.type === 'resubmitted')
    assert.equal(resubmitted?.message, 'Still keen')
    assert.equal(resubmitted?.courseInterest, 'Data Science')
    assert.equal(resubmitted?.actor, null)
    // One clock: the time the form is told is the database's, the same as the stored one.
    const submittedAt = (second.body.data as { submittedAt: string }).submittedAt
    const [stored] = await app.db.select().from(enquiries).where(eq(enquiries.id, firstId))
    assert.equal(submittedAt, stored?.updatedAt.toISOString())
    assert.equal(resubmitted?.at, submittedAt)
  })

  test('a lower priority on the resubmission does not lower the lead', async () => {
    const email = uniqueEmail()
    const id = (await submit(app, enquiryForm({ email, priority: 'high' }))).body.data as {
      id: string
    }
    await submit(app, enquiryForm({ email, priority: 'low' }))
    const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id.id))
    assert.equal(row?.priority, 'high')
  })

  test('the same phone digits, typed differently, join the open lead', async () => {
    const digits = randomPhone()
    const first = await submit(app, enquiryForm({ phone: digits }))
    const typed = `+${digits.slice(0, 3)} (${digits.slice(3, 6)}) ${digits.slice(6)}`
    const second = await submit(app, enquiryForm({ phone: typed }))
    assert.equal((second.body.data as { id: string }).id, (first.body.data as { id: string }).id)
  })

  test('a converted or lost enquiry does not absorb a new one', async () => {
    const email = uniqueEmail('returning')
    const first = (await submit(app, enquiryForm({ email }))).body.data as { id: string }
    const counselor = await createEmployee(app)
    await call(app, {
      method: 'POST',
      url: `/api/enquiries/${first.id}/claim`,
      token: counselor.token,
    })
    await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${first.id}/status`,
      token: counselor.token,
      payload: { status: 'converted' },
    })
    const second = (await submit(app, enquiryForm({ email }))).body.data as { id: string }
    assert.notEqual(second.id, first.id)
    assert.equal(await countByEmail(email), 2)
  })

  test('ten identical simultaneous submissions leave exactly one lead', async () => {
    const form = enquiryForm({ email: uniqueEmail('double-click') })
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(app, form)))
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(201),
    )
    const ids = new Set(results.map((r) => (r.body.data as { id: string }).id))
    assert.equal(ids.size, 1)
    assert.equal(await countByEmail(form.email), 1)
    const [id] = ids
    const entries = await app.db
      .select()
      .from(activity)
      .where(eq(activity.enquiryId, id ?? ''))
    assert.equal(entries.filter((e) => e.type === 'created').length, 1)
    assert.equal(entries.filter((e) => e.type === 'resubmitted').length, 9)
  })
})
