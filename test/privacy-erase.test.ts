import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inArray } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/client.js'
import { enquiries } from '../src/db/schema/index.js'
import { eraseEnquiries } from '../src/modules/privacy/service.js'
import {
  assertError,
  buildAppWithCapturedLogs,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  type TestEmployee,
  testConfig,
} from './support/app.js'
import { serverDatabase, targetOf } from './support/database.js'
import { claim, detail, enquiryForm, setStatus, submitEnquiry } from './support/enquiries.js'
import { auditEntries, erase, subjectAccess } from './support/privacy.js'

const MARKER = '[erased]'

/** One person with two enquiries: a converted one (claimed, noted) and an open one in the pool that absorbed a resubmission. */
async function personWithHistory(app: FastifyInstance, counselor: TestEmployee) {
  const tag = Math.random().toString(36).slice(2, 8)
  const person = enquiryForm({
    name: `Wilhelmina Quarrington ${tag}`,
    phone: `+44 20 7946 ${tag.length}${String(Date.now()).slice(-3)}`,
  })
  const texts = {
    first: `I want to study nursing ${tag}`,
    second: `Back again about nursing ${tag}`,
    resubmitted: `My mobile is the same ${tag}`,
    note: `Spoke to Wilhelmina ${tag} about funding`,
  }
  const converted = await submitEnquiry(app, { ...person, message: texts.first })
  await claim(app, converted, counselor.token)
  await call(app, {
    method: 'POST',
    url: `/api/enquiries/${converted}/notes`,
    token: counselor.token,
    payload: { text: texts.note },
  })
  await setStatus(app, converted, 'converted', counselor.token)
  const open = await submitEnquiry(app, { ...person, message: texts.second })
  await submitEnquiry(app, { ...person, message: texts.resubmitted })
  const digits = person.phone.replace(/\D/g, '')
  return {
    person,
    ids: [converted, open],
    values: [person.name, person.email, person.phone, digits, ...Object.values(texts)],
  }
}

const statsOf = async (app: FastifyInstance, admin: TestEmployee) =>
  (await call(app, { method: 'GET', url: '/api/stats', token: admin.token })).body.data

/** Everything an employee can read that lists or searches enquiries, as text. */
async function everyReadPath(
  app: FastifyInstance,
  admin: TestEmployee,
  counselor: TestEmployee,
  search: string,
): Promise<string> {
  const q = encodeURIComponent(search)
  const urls: [string, TestEmployee][] = [
    ['/api/enquiries?limit=100', admin],
    ['/api/enquiries/unclaimed?limit=100', counselor],
    ['/api/enquiries/my-enquiries?limit=100', counselor],
    [`/api/enquiries?q=${q}`, admin],
    [`/api/enquiries/unclaimed?q=${q}`, counselor],
    ['/api/enquiries/export?format=csv', admin],
  ]
  const bodies: string[] = []
  for (const [url, who] of urls) {
    const { status, response } = await call(app, { method: 'GET', url, token: who.token })
    assert.equal(status, 200, url)
    bodies.push(response.body)
  }
  return bodies.join('\n')
}

describe('POST /api/privacy/erase', () => {
  test('erasure removes the person from every read path and the logs, keeps what the statistics count, and is recorded once', async (t) => {
    const { app, lines } = await buildAppWithCapturedLogs(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const { person, ids, values } = await personWithHistory(app, counselor)
    const bystander = await submitEnquiry(app)
    const before = await Promise.all(ids.map((id) => detail(app, id, admin.token)))
    const statsBefore = await statsOf(app, admin)
    const csvRowsBefore = (await everyReadPath(app, admin, counselor, 'x')).split('\r\n').length
    // The person can be found before: the checks below would notice if they found nothing anyway.
    assert.ok((await everyReadPath(app, admin, counselor, person.email)).includes(person.email))

    const result = await erase(app, admin.token, {
      email: person.email,
      reason: 'Request by letter of 3 March',
    })
    assert.equal(result.status, 200, JSON.stringify(result.body))
    assert.deepEqual(result.body.data, { erased: 2, enquiryIds: ids })

    // Detail: the marker in place of the person; everything the statistics count unchanged.
    for (const [index, id] of ids.entries()) {
      const after = (await detail(app, id, admin.token)).body.data as Record<string, unknown>
      const was = before[index]?.body.data as Record<string, unknown>
      for (const field of ['name', 'email', 'phone', 'message']) assert.equal(after[field], MARKER)
      for (const field of [
        'status',
        'source',
        'courseInterest',
        'priority',
        'claimedBy',
        'claimedAt',
        'createdAt',
        'updatedAt',
      ]) {
        assert.deepEqual(after[field], was[field], field)
      }
      const notes = after.notes as { text: string }[]
      assert.ok(notes.every((note) => note.text === MARKER))
      const activity = after.activity as { type: string; at: string }[]
      const wasActivity = was.activity as { type: string }[]
      // Every entry kept, plus one `erased` entry naming the admin and the reason.
      assert.deepEqual(
        activity.map((entry) => entry.type),
        [...wasActivity.map((entry) => entry.type), 'erased'],
      )
      assert.deepEqual(activity.at(-1), {
        type: 'erased',
        actor: { _id: admin.id, id: admin.id, name: admin.name, email: admin.email },
        at: activity.at(-1)?.at,
        reason: 'Request by letter of 3 March',
      })
    }
    assert.equal(
      ((await detail(app, bystander, admin.token)).body.data as { email: string }).email.includes(
        '@',
      ),
      true,
    )

    // The derived columns follow: the phone's digits are gone.
    const rows = await app.db
      .select({ phoneDigits: enquiries.phoneDigits, erasedAt: enquiries.erasedAt })
      .from(enquiries)
      .where(inArray(enquiries.id, ids))
    assert.ok(rows.every((row) => row.phoneDigits === '' && row.erasedAt instanceof Date))

    // Lists, searches by the old email, phone and name, the CSV export: nothing of the person.
    for (const search of [person.email, person.phone, person.name]) {
      const everything = await everyReadPath(app, admin, counselor, search)
      for (const value of values) assert.ok(!everything.includes(value), `found ${value}`)
    }
    const searched = await call(app, {
      method: 'GET',
      url: `/api/enquiries?q=${encodeURIComponent(person.email)}`,
      token: admin.token,
    })
    assert.equal(searched.body.total, 0)
    const csv = await everyReadPath(app, admin, counselor, 'x')
    assert.equal(csv.split('\r\n').length, csvRowsBefore, 'the export keeps its rows')
    assert.deepEqual(await statsOf(app, admin), statsBefore)
    const access = await subjectAccess(
      app,
      admin.token,
      `email=${encodeURIComponent(person.email)}`,
    )
    assert.deepEqual((access.body.data as { enquiries: unknown[] }).enquiries, [])

    // Nothing at info or above in the log ever held the person (request URLs included).
    const logged = JSON.stringify(lines)
    assert.ok(lines.length > 20, `${lines.length} log lines`)
    for (const value of values.flatMap((value) => [value, encodeURIComponent(value)])) {
      assert.ok(!logged.includes(value), `the log holds ${value}`)
    }

    const { data } = await auditEntries(app, admin.token, '&action=privacy.subject_erased')
    assert.deepEqual(
      data.map((entry) => [entry.actor?._id, entry.details]),
      [[admin.id, { lookup: 'email', reason: 'Request by letter of 3 March', enquiryIds: ids }]],
    )
    const audit = JSON.stringify(await auditEntries(app, admin.token))
    for (const value of values) assert.ok(!audit.includes(value), `the audit log holds ${value}`)
  })

  test('a second request finds nothing left to erase, changes nothing, and is recorded too', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const { person, ids } = await personWithHistory(app, counselor)
    const first = await erase(app, admin.token, { phone: person.phone, reason: 'asked by phone' })
    assert.equal((first.body.data as { erased: number }).erased, 2)
    const bodies = () =>
      Promise.all(ids.map(async (id) => (await detail(app, id, admin.token)).body))
    const after = await bodies()
    const again = await erase(app, admin.token, { phone: person.phone, reason: 'asked again' })
    assert.equal(again.status, 200)
    assert.equal(again.body.message, 'Nothing left to erase')
    assert.deepEqual(again.body.data, { erased: 0, enquiryIds: [] })
    assert.deepEqual(await bodies(), after, 'no second erased entry, nothing rewritten')
    const { data } = await auditEntries(app, admin.token, '&action=privacy.subject_erased')
    assert.deepEqual(
      data.map((entry) => (entry.details as { enquiryIds: string[] }).enquiryIds.length),
      [0, 2],
    )
  })

  test('people with open leads can be erased one after another, and the person may enquire again afresh', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const one = enquiryForm()
    const other = enquiryForm()
    const oneId = await submitEnquiry(app, one)
    await submitEnquiry(app, other)
    for (const person of [one, other]) {
      const result = await erase(app, admin.token, { email: person.email, reason: 'request' })
      assert.deepEqual((result.body.data as { erased: number }).erased, 1)
    }
    // No longer one person's open lead: a new enquiry is a new lead, not absorbed by the erased one.
    const again = await submitEnquiry(app, one)
    assert.notEqual(again, oneId)
    const fresh = (await detail(app, again, admin.token)).body.data as { email: string }
    assert.equal(fresh.email, one.email)
  })

  test('erasure survives a restart', async (t) => {
    const database = await serverDatabase()
    t.after(() => database.dispose())
    const start = async () => {
      const app = await buildApp(testConfig(), {
        database: await openDatabase(targetOf(database.url)),
      })
      await app.ready()
      return app
    }
    let app = await start()
    const admin = await createEmployee(app, { role: 'admin' })
    const person = enquiryForm()
    const id = await submitEnquiry(app, { ...person, message: 'call me after six' })
    assert.equal(
      (await erase(app, admin.token, { email: person.email, reason: 'first request' })).status,
      200,
    )
    await app.close()

    app = await start()
    t.after(() => app.close())
    const reopened = (await detail(app, id, admin.token)).body.data as Record<string, unknown>
    assert.deepEqual(
      [reopened.name, reopened.email, reopened.phone, reopened.message],
      [MARKER, MARKER, MARKER, MARKER],
    )
    const export_ = await call(app, {
      method: 'GET',
      url: '/api/enquiries/export?format=csv',
      token: admin.token,
    })
    assert.ok(!export_.response.body.includes(person.email))
    const again = await erase(app, admin.token, { email: person.email, reason: 'second request' })
    assert.deepEqual(again.body.data, { erased: 0, enquiryIds: [] })
  })

  test('bad requests are 400s naming the field, and erase nothing', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const person = enquiryForm()
    const id = await submitEnquiry(app, person)
    for (const [payload, fields] of [
      [{ reason: 'no one named' }, ['email', 'phone']],
      [{ email: person.email, phone: person.phone, reason: 'both' }, ['email', 'phone']],
      [{ email: person.email }, ['reason']],
      [{ email: person.email, reason: '  ' }, ['reason']],
      [{ email: 'not-an-email', reason: 'typo' }, ['email']],
      [{ phone: '12', reason: 'short' }, ['phone']],
      [{ email: { $ne: '' }, reason: 'injection' }, ['email']],
    ] as const) {
      const result = await erase(app, admin.token, payload)
      assertError(result, 400, 'VALIDATION_FAILED')
      assert.deepEqual(
        fieldErrors(result.body).map((error) => error.field),
        fields,
        JSON.stringify(payload),
      )
    }
    const still = (await detail(app, id, admin.token)).body.data as { email: string }
    assert.equal(still.email, person.email)
    assert.equal((await auditEntries(app, admin.token)).total, 0)
  })
})

describe('eraseEnquiries (what the retention job will call)', () => {
  test('erases a set of enquiries inside the caller’s transaction, as the system, once', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const ids = [await submitEnquiry(app), await submitEnquiry(app)]
    const kept = await submitEnquiry(app)
    const erased = await app.db.transaction((tx) =>
      eraseEnquiries(tx, ids, { actor: null, reason: 'retention' }),
    )
    assert.deepEqual([...erased].sort(), [...ids].sort())
    const again = await app.db.transaction((tx) =>
      eraseEnquiries(tx, [...ids, kept], { actor: null, reason: 'retention' }),
    )
    assert.deepEqual(again, [kept])
    const view = (await detail(app, ids[0] ?? '', admin.token)).body.data as {
      name: string
      activity: { type: string; at: string }[]
    }
    assert.equal(view.name, MARKER)
    assert.deepEqual(view.activity.at(-1), {
      type: 'erased',
      actor: null,
      at: view.activity.at(-1)?.at,
      reason: 'retention',
    })
  })
})
