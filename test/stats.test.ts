import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { and, asc, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { activity, enquiries } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, type TestEmployee } from './support/app.js'
import { claim, list, setStatus, submitEnquiry } from './support/enquiries.js'

const DAY_MS = 86_400_000

interface Stats {
  byDay: { date: string; count: number }[]
  counselors: {
    _id: string
    claimed: number
    contacted: number
    openLeads: number
    medianSecondsToClaim: number | null
  }[]
}

async function stats(app: FastifyInstance, admin: TestEmployee, query = ''): Promise<Stats> {
  const { status, body } = await call(app, {
    method: 'GET',
    url: `/api/stats${query}`,
    token: admin.token,
  })
  assert.equal(status, 200, JSON.stringify(body))
  return body.data as Stats
}

/** Midnight UTC, `daysAgo` days before today's. */
function utcMidnight(daysAgo: number): Date {
  const now = new Date()
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - daysAgo * DAY_MS,
  )
}

const dateOf = (at: Date) => at.toISOString().slice(0, 10)

async function backdate(app: FastifyInstance, id: string, createdAt: Date): Promise<void> {
  await app.db.update(enquiries).set({ createdAt }).where(eq(enquiries.id, id))
}

/** Moves the enquiry's claims and assignments, oldest first, to the given delays after its creation. */
async function takenAfter(app: FastifyInstance, id: string, created: Date, seconds: number[]) {
  await backdate(app, id, created)
  const entries = await app.db
    .select({ id: activity.id, type: activity.type })
    .from(activity)
    .where(eq(activity.enquiryId, id))
    .orderBy(asc(activity.at), asc(activity.id))
  const takes = entries.filter((entry) => entry.type === 'claimed' || entry.type === 'assigned')
  assert.equal(takes.length, seconds.length, 'one delay for each claim or assignment')
  for (const [index, entry] of takes.entries()) {
    const at = new Date(created.getTime() + (seconds[index] ?? 0) * 1000)
    await app.db
      .update(activity)
      .set({ at })
      .where(and(eq(activity.id, entry.id), eq(activity.enquiryId, id)))
  }
}

describe('GET /api/stats: enquiries per day', () => {
  test('gives each of the last 30 UTC days, today last, with zeros and both edges of a day', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const place = async (at: Date) => backdate(app, await submitEnquiry(app), at)
    await place(utcMidnight(0)) // the first instant of today
    await place(new Date(utcMidnight(0).getTime() - 1)) // the last instant of yesterday
    await place(new Date(utcMidnight(3).getTime() + 12 * 3600_000))
    await place(new Date(utcMidnight(3).getTime() + 13 * 3600_000))
    await place(new Date(utcMidnight(3).getTime() + 14 * 3600_000))
    await place(utcMidnight(29)) // the first day shown
    await place(new Date(utcMidnight(29).getTime() - 1)) // a day too old

    const { byDay } = await stats(app, admin)
    assert.equal(byDay.length, 30)
    assert.deepEqual(
      byDay.map((day) => day.date),
      Array.from({ length: 30 }, (_, index) => dateOf(utcMidnight(29 - index))),
      'consecutive days, oldest first, ending today',
    )
    const expected = new Map([
      [dateOf(utcMidnight(0)), 1],
      [dateOf(utcMidnight(1)), 1],
      [dateOf(utcMidnight(3)), 3],
      [dateOf(utcMidnight(29)), 1],
    ])
    for (const { date, count } of byDay) assert.equal(count, expected.get(date) ?? 0, date)

    // Each day counts what the admin list finds for that day.
    for (const { date, count } of byDay.filter((day) => day.count > 0)) {
      const { body } = await list(app, `/api/enquiries?from=${date}&to=${date}`, admin.token)
      assert.equal(body.total, count, date)
    }
  })

  test('the date filters apply: a day outside [from, to] counts zero', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    for (const daysAgo of [1, 5, 10]) {
      await backdate(
        app,
        await submitEnquiry(app),
        new Date(utcMidnight(daysAgo).getTime() + 60_000),
      )
    }
    const range = `?from=${dateOf(utcMidnight(7))}&to=${dateOf(utcMidnight(2))}`
    const { byDay } = await stats(app, admin, range)
    assert.equal(byDay.length, 30, 'still the last 30 days')
    assert.deepEqual(
      byDay.filter((day) => day.count > 0),
      [{ date: dateOf(utcMidnight(5)), count: 1 }],
    )
  })

  test('with no enquiries every day is there with zero', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const { byDay } = await stats(app, admin)
    assert.equal(byDay.length, 30)
    assert.ok(byDay.every((day) => day.count === 0))
    assert.equal(byDay.at(-1)?.date, dateOf(utcMidnight(0)))
  })
})

describe('GET /api/stats: per counselor', () => {
  test('open leads are claimed plus contacted; the median time to claim is each one’s own', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const ann = await createEmployee(app, { name: 'Ann' })
    const bob = await createEmployee(app, { name: 'Bob' })
    const cat = await createEmployee(app, { name: 'Cat' })
    const dan = await createEmployee(app, { name: 'Dan' })
    const created = new Date(Date.now() - 2 * DAY_MS)

    // Ann claims three, after 60 s, 120 s and 600 s; one stays claimed, one contacted, one converted.
    const annIds = []
    for (const seconds of [60, 120, 600]) {
      const id = await submitEnquiry(app)
      await claim(app, id, ann.token)
      await takenAfter(app, id, created, [seconds])
      annIds.push(id)
    }
    await setStatus(app, annIds[1] ?? '', 'contacted', ann.token)
    await setStatus(app, annIds[2] ?? '', 'contacted', ann.token)
    await setStatus(app, annIds[2] ?? '', 'converted', ann.token)

    // Bob claims one after 100 s, releases it, claims it again after 5000 s: his first claim counts.
    // Then the admin assigns it to Cat after 1000 s more; Cat also claims one after 300 s.
    const shared = await submitEnquiry(app)
    await claim(app, shared, bob.token)
    await call(app, { method: 'POST', url: `/api/enquiries/${shared}/release`, token: bob.token })
    await claim(app, shared, bob.token)
    const assigned = await call(app, {
      method: 'POST',
      url: `/api/enquiries/${shared}/assign`,
      token: admin.token,
      payload: { employeeId: cat.id },
    })
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body))
    await takenAfter(app, shared, created, [100, 5000, 6000])
    const catsOwn = await submitEnquiry(app)
    await claim(app, catsOwn, cat.token)
    await takenAfter(app, catsOwn, created, [300])

    const { counselors } = await stats(app, admin)
    const row = (who: TestEmployee) => {
      const found = counselors.find((counselor) => counselor._id === who.id)
      assert.ok(found, who.name)
      return found
    }
    assert.equal(row(ann).openLeads, 2)
    assert.equal(row(ann).medianSecondsToClaim, 120)
    assert.equal(row(bob).openLeads, 0, 'what he claimed is now Cat’s')
    assert.equal(row(bob).medianSecondsToClaim, 100)
    assert.equal(row(cat).openLeads, 2)
    assert.equal(row(cat).medianSecondsToClaim, (6000 + 300) / 2, 'an assignment counts too')
    assert.equal(row(dan).openLeads, 0)
    assert.equal(row(dan).medianSecondsToClaim, null, 'never claimed')
    for (const counselor of counselors)
      assert.equal(counselor.openLeads, counselor.claimed + counselor.contacted)
  })

  test('the date filters apply to the median as to the other figures', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const ann = await createEmployee(app, { name: 'Ann' })
    const old = await submitEnquiry(app)
    await claim(app, old, ann.token)
    await takenAfter(app, old, new Date('2024-03-01T09:00:00Z'), [30])
    const recent = await submitEnquiry(app)
    await claim(app, recent, ann.token)
    await takenAfter(app, recent, new Date(Date.now() - DAY_MS), [90])

    const all = await stats(app, admin)
    assert.equal(all.counselors.find((c) => c._id === ann.id)?.medianSecondsToClaim, 60)
    const in2024 = await stats(app, admin, '?from=2024-01-01&to=2024-12-31')
    assert.equal(in2024.counselors.find((c) => c._id === ann.id)?.medianSecondsToClaim, 30)
    assert.equal(in2024.counselors.find((c) => c._id === ann.id)?.openLeads, 1)
  })
})
