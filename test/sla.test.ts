import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { activity, enquiries } from '../src/db/schema/index.js'
import {
  assertError,
  buildAppWithAdmin,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  type TestEmployee,
} from './support/app.js'
import { claim, detail, setStatus, submitEnquiry } from './support/enquiries.js'

const FAST_JOBS = { JOB_POLL_INTERVAL_SECONDS: '0.5' }

const settings = (overrides: Record<string, unknown> = {}) => ({
  enabled: true,
  firstContact: { high: 'PT2S', medium: 'PT2S', low: 'PT2S' },
  businessHours: null,
  onBreach: 'notify',
  warnBefore: null,
  ...overrides,
})

const putSla = (app: FastifyInstance, token: string, body: Record<string, unknown>) =>
  call(app, { method: 'PUT', url: '/api/settings/sla', token, payload: body })

const typesOf = async (app: FastifyInstance, id: string) =>
  (
    await app.db
      .select({ type: activity.type, details: activity.details })
      .from(activity)
      .where(eq(activity.enquiryId, id))
      .orderBy(activity.at, activity.id)
  ).map((entry) => entry.type)

const rowOf = async (app: FastifyInstance, id: string) =>
  (await app.db.select().from(enquiries).where(eq(enquiries.id, id)))[0]

/** Polls until the condition holds (a deadline must be acted on within 5 s of passing). */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 7000) {
  const start = Date.now()
  while (Date.now() - start < timeoutMs) {
    if (await condition()) return
    await sleep(200)
  }
  assert.fail('the condition did not hold in time')
}

describe('GET/PUT /api/settings/sla', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  test('the SLA is off by default; an admin replaces the settings and reads them back', async () => {
    const initial = await call(app, { method: 'GET', url: '/api/settings/sla', token: admin.token })
    assert.equal(initial.status, 200)
    assert.equal((initial.body.data as { enabled: boolean }).enabled, false)
    const body = settings({
      firstContact: { high: 'PT30M', medium: 'PT4H', low: 'P1D' },
      businessHours: {
        timeZone: 'Europe/London',
        days: [1, 2, 3, 4, 5],
        start: '09:00',
        end: '17:30',
      },
      onBreach: 'release',
      warnBefore: 'PT10M',
    })
    const saved = await putSla(app, admin.token, body)
    assert.equal(saved.status, 200, JSON.stringify(saved.body))
    const read = await call(app, { method: 'GET', url: '/api/settings/sla', token: admin.token })
    assert.deepEqual(read.body.data, body)
  })

  test('invalid durations, time zones and hours are a 400 naming the field', async () => {
    const wrong = await putSla(
      app,
      admin.token,
      settings({
        firstContact: { high: '30 minutes', medium: 'PT0S', low: 'P1D' },
        businessHours: { timeZone: 'Mars/Olympus', days: [1], start: '17:00', end: '09:00' },
        warnBefore: 'soon',
      }),
    )
    assertError(wrong, 400, 'VALIDATION_FAILED')
    assert.deepEqual(
      fieldErrors(wrong.body)
        .map((error) => error.field)
        .sort(),
      [
        'businessHours.end',
        'businessHours.timeZone',
        'firstContact.high',
        'firstContact.medium',
        'warnBefore',
      ],
    )
    const badDay = await putSla(
      app,
      admin.token,
      settings({ businessHours: { timeZone: 'UTC', days: [8], start: '09:00', end: '17:00' } }),
    )
    assert.equal(fieldErrors(badDay.body)[0]?.field, 'businessHours.days.0')
  })
})

describe('the first-contact SLA', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => {
    app = await buildTestApp(undefined, FAST_JOBS)
    admin = await createEmployee(app, { role: 'admin' })
  })
  after(() => app.close())

  test('with the SLA off, enquiries carry no deadline and nothing happens', async () => {
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    const claimed = (await claim(app, id, counselor.token)).body.data as Record<string, unknown>
    assert.equal(claimed.firstContactDueAt, null)
    assert.equal(claimed.firstContactedAt, null)
    assert.equal(claimed.sla, null)
  })

  test('notify: the deadline is set at claim, a warning comes before it, and a breach is recorded within seconds, the lead kept', async () => {
    await putSla(app, admin.token, settings({ onBreach: 'notify', warnBefore: 'PT1S' }))
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app, { priority: 'high' })
    const claimed = (await claim(app, id, counselor.token)).body.data as Record<string, string>
    const due = Date.parse(String(claimed.firstContactDueAt))
    assert.equal(due - Date.parse(String(claimed.claimedAt)), 2000)
    assert.equal(claimed.sla, 'on_track')
    await eventually(async () => (await typesOf(app, id)).includes('sla_breached'))
    assert.ok(Date.now() - due < 5000, 'acted on within 5 s of the deadline')
    assert.deepEqual(await typesOf(app, id), ['created', 'claimed', 'sla_warning', 'sla_breached'])
    const view = (await detail(app, id, counselor.token)).body.data as Record<string, unknown>
    assert.equal(view.sla, 'breached')
    assert.equal((view.claimedBy as { _id: string })._id, counselor.id, 'notify keeps the owner')
  })

  test('release: an uncontacted lead goes back to the pool with a released entry, reason sla', async () => {
    await putSla(app, admin.token, settings({ onBreach: 'release' }))
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    await claim(app, id, counselor.token)
    await eventually(async () => (await rowOf(app, id))?.status === 'unclaimed')
    const entries = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    const released = entries.find((entry) => entry.type === 'released')
    assert.equal(released?.details.reason, 'sla')
    assert.equal(released?.details.previousOwner?._id, counselor.id)
    assert.ok(entries.some((entry) => entry.type === 'sla_breached'))
  })

  test('a lead contacted before its deadline is never released, and its SLA is met', async () => {
    await putSla(app, admin.token, settings({ onBreach: 'release' }))
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    await claim(app, id, counselor.token)
    const contacted = (await setStatus(app, id, 'contacted', counselor.token)).body.data as Record<
      string,
      unknown
    >
    assert.equal(contacted.sla, 'met')
    assert.ok(contacted.firstContactedAt)
    await sleep(3500)
    const row = await rowOf(app, id)
    assert.deepEqual([row?.status, row?.claimedBy], ['contacted', counselor.id])
    assert.ok(!(await typesOf(app, id)).includes('sla_breached'))
  })

  test('contacts racing their deadlines: each lead is either contacted and kept, or breached and released, never both', async () => {
    await putSla(app, admin.token, settings({ onBreach: 'release' }))
    const counselor = await createEmployee(app)
    const ids = await Promise.all(Array.from({ length: 8 }, () => submitEnquiry(app)))
    const dues = await Promise.all(
      ids.map(async (id) => {
        const claimed = (await claim(app, id, counselor.token)).body.data as Record<string, string>
        return Date.parse(String(claimed.firstContactDueAt))
      }),
    )
    // Each status change is sent around its deadline, some just before and some just after.
    await Promise.all(
      ids.map(async (id, i) => {
        await sleep(Math.max(0, (dues[i] ?? 0) - Date.now() + (i % 2 ? -300 : 300) + i * 40))
        await setStatus(app, id, 'contacted', counselor.token)
      }),
    )
    await sleep(2500)
    for (const id of ids) {
      const row = await rowOf(app, id)
      const types = await typesOf(app, id)
      if (row?.status === 'contacted') {
        assert.equal(row.claimedBy, counselor.id)
        assert.ok(!types.includes('released'), types.join())
      } else {
        assert.equal(row?.status, 'unclaimed')
        assert.ok(types.includes('sla_breached') && types.includes('released'), types.join())
        assert.ok(!types.includes('status_changed'), types.join())
      }
    }
  })

  test('reassign: the lead is routed again without its previous owner, whose clock restarts for the new one', async () => {
    await putSla(app, admin.token, settings({ onBreach: 'reassign' }))
    const course = `SLA Reassign ${Date.now()}`
    const [first, second] = [await createEmployee(app), await createEmployee(app)]
    if (!first || !second) throw new Error('setup')
    await call(app, {
      method: 'POST',
      url: '/api/routing-rules',
      token: admin.token,
      payload: {
        name: 'Reassign',
        position: 1,
        match: { courses: [course] },
        strategy: 'round_robin',
        counselorIds: [first.id, second.id],
      },
    })
    const id = await submitEnquiry(app, { courseInterest: course })
    const routed = await rowOf(app, id)
    assert.equal(routed?.claimedBy, first.id)
    assert.ok(routed?.firstContactDueAt, 'routing starts the clock')
    await eventually(async () => (await rowOf(app, id))?.claimedBy === second.id)
    const types = await typesOf(app, id)
    assert.deepEqual(types.slice(0, 5), [
      'created',
      'assigned',
      'sla_breached',
      'released',
      'assigned',
    ])
    const row = await rowOf(app, id)
    assert.ok(
      (row?.firstContactDueAt?.getTime() ?? 0) > (routed?.firstContactDueAt?.getTime() ?? 0),
      'a new deadline for the new owner',
    )
  })

  test('changing the settings applies to leads claimed afterwards; running deadlines keep theirs', async () => {
    await putSla(
      app,
      admin.token,
      settings({ firstContact: { high: 'PT1H', medium: 'PT1H', low: 'PT1H' } }),
    )
    const counselor = await createEmployee(app)
    const early = await submitEnquiry(app)
    const before = (await claim(app, early, counselor.token)).body.data as Record<string, string>
    await putSla(
      app,
      admin.token,
      settings({ firstContact: { high: 'PT2H', medium: 'PT2H', low: 'PT2H' } }),
    )
    const late = await submitEnquiry(app)
    const after = (await claim(app, late, counselor.token)).body.data as Record<string, string>
    const hours = (view: Record<string, string>) =>
      (Date.parse(String(view.firstContactDueAt)) - Date.parse(String(view.claimedAt))) / 3_600_000
    assert.equal(hours(before), 1)
    assert.equal(hours(after), 2)
    const reread = (await detail(app, early, counselor.token)).body.data as Record<string, string>
    assert.equal(reread.firstContactDueAt, before.firstContactDueAt)
  })
})
