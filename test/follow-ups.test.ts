import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { DateTime } from 'luxon'
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
import { claim, list, setStatus, submitEnquiry } from './support/enquiries.js'

const setFollowUp = (app: FastifyInstance, id: string, token: string, body: object) =>
  call(app, {
    method: 'PUT',
    url: `/api/enquiries/${id}/follow-up`,
    token,
    payload: body as Record<string, unknown>,
  })

async function claimed(app: FastifyInstance, counselor: TestEmployee): Promise<string> {
  const id = await submitEnquiry(app)
  assert.equal((await claim(app, id, counselor.token)).status, 200)
  return id
}

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()

describe('PUT/DELETE /api/enquiries/:id/follow-up', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => {
    app = await buildTestApp(undefined, { JOB_POLL_INTERVAL_SECONDS: '0.5' })
    admin = await createEmployee(app, { role: 'admin' })
  })
  after(() => app.close())

  test('the owner sets a follow-up with a note, it shows on the enquiry, and a follow_up_set entry records it', async () => {
    const counselor = await createEmployee(app)
    const id = await claimed(app, counselor)
    const at = inMs(3_600_000)
    const set = await setFollowUp(app, id, counselor.token, { at, note: 'Call after the open day' })
    assert.equal(set.status, 200, JSON.stringify(set.body))
    const data = set.body.data as Record<string, unknown>
    assert.equal(data.followUpAt, at)
    assert.equal(data.followUpNote, 'Call after the open day')
    const entries = await app.db.select().from(activity).where(eq(activity.enquiryId, id))
    const entry = entries.find((e) => e.type === 'follow_up_set')
    assert.equal(entry?.details.followUpAt, at)
    assert.equal(entry?.actorId, counselor.id)

    const cleared = await call(app, {
      method: 'DELETE',
      url: `/api/enquiries/${id}/follow-up`,
      token: counselor.token,
    })
    assert.equal(cleared.status, 200)
    assert.equal((cleared.body.data as { followUpAt: null }).followUpAt, null)
  })

  test('another counselor may not; an admin may; a pool lead or a closed one cannot have one', async () => {
    const owner = await createEmployee(app)
    const other = await createEmployee(app)
    const id = await claimed(app, owner)
    assertError(
      await setFollowUp(app, id, other.token, { at: inMs(60_000) }),
      403,
      'ENQUIRY_NOT_YOURS',
    )
    assert.equal((await setFollowUp(app, id, admin.token, { at: inMs(60_000) })).status, 200)
    const pool = await submitEnquiry(app)
    assertError(
      await setFollowUp(app, pool, admin.token, { at: inMs(60_000) }),
      409,
      'ENQUIRY_NOT_CLAIMED',
    )
    await setStatus(app, id, 'lost', owner.token)
    assertError(
      await setFollowUp(app, id, owner.token, { at: inMs(60_000) }),
      409,
      'ENQUIRY_CLOSED',
    )
    const bad = await setFollowUp(app, id, owner.token, { at: 'tomorrow' })
    assert.deepEqual(
      fieldErrors(bad.body).map((e) => e.field),
      ['at'],
    )
  })

  test('when a follow-up falls due, a follow_up_due entry is written, once; a cleared or moved one is not', async () => {
    const counselor = await createEmployee(app)
    const id = await claimed(app, counselor)
    const at = inMs(1500)
    await setFollowUp(app, id, counselor.token, { at, note: 'ring back' })
    const moved = await claimed(app, counselor)
    await setFollowUp(app, moved, counselor.token, { at: inMs(1500) })
    await setFollowUp(app, moved, counselor.token, { at: inMs(3_600_000) })
    const cleared = await claimed(app, counselor)
    await setFollowUp(app, cleared, counselor.token, { at: inMs(1500) })
    await call(app, {
      method: 'DELETE',
      url: `/api/enquiries/${cleared}/follow-up`,
      token: counselor.token,
    })
    await sleep(4000)
    const dueOf = async (enquiryId: string) =>
      (await app.db.select().from(activity).where(eq(activity.enquiryId, enquiryId))).filter(
        (e) => e.type === 'follow_up_due',
      )
    const due = await dueOf(id)
    assert.equal(due.length, 1)
    assert.equal(due[0]?.details.followUpAt, at)
    assert.equal(due[0]?.details.employee?._id, counselor.id)
    assert.equal((await dueOf(moved)).length, 0)
    assert.equal((await dueOf(cleared)).length, 0)
  })
})

describe('GET /api/enquiries/follow-ups', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  test('lists the caller’s overdue, today’s and upcoming follow-ups, soonest first; admins may pick a counselor', async () => {
    const counselor = await createEmployee(app)
    const other = await createEmployee(app)
    const ids = [
      await claimed(app, counselor),
      await claimed(app, counselor),
      await claimed(app, counselor),
    ]
    const [past, soon, later] = ids
    if (!past || !soon || !later) throw new Error('setup')
    // Written directly: the API takes any time, and these must be in the past or days away.
    const now = Date.now()
    await app.db
      .update(enquiries)
      .set({ followUpAt: new Date(now - 3_600_000) })
      .where(eq(enquiries.id, past))
    await app.db
      .update(enquiries)
      .set({ followUpAt: new Date(now + 60_000) })
      .where(eq(enquiries.id, soon))
    await app.db
      .update(enquiries)
      .set({ followUpAt: new Date(now + 3 * 86_400_000) })
      .where(eq(enquiries.id, later))
    const othersLead = await claimed(app, other)
    await app.db
      .update(enquiries)
      .set({ followUpAt: new Date(now + 120_000) })
      .where(eq(enquiries.id, othersLead))

    const idsOf = async (url: string, token = counselor.token) => {
      const { status, body } = await list(app, url, token)
      assert.equal(status, 200, JSON.stringify(body))
      return body.data.map((e) => e._id)
    }
    assert.deepEqual(await idsOf('/api/enquiries/follow-ups?when=overdue'), [past])
    assert.deepEqual(await idsOf('/api/enquiries/follow-ups?when=upcoming'), [soon, later])
    assert.deepEqual(
      await idsOf(`/api/enquiries/follow-ups?when=upcoming&claimedBy=${other.id}`, admin.token),
      [othersLead],
    )
    // "Today" is the caller's day: with a zone 14 hours ahead or 12 behind, today differs.
    const today = await idsOf('/api/enquiries/follow-ups?when=today&tz=UTC')
    assert.ok(!today.includes(later))
    assertError(
      await call(app, {
        method: 'GET',
        url: '/api/enquiries/follow-ups?when=today&tz=Mars/Olympus',
        token: counselor.token,
      }),
      400,
      'VALIDATION_FAILED',
    )
    assertError(
      await call(app, {
        method: 'GET',
        url: `/api/enquiries/follow-ups?when=upcoming&claimedBy=${other.id}`,
        token: counselor.token,
      }),
      403,
      'ADMIN_ONLY',
    )
  })

  test('"today" follows the tz parameter', async () => {
    const counselor = await createEmployee(app)
    const id = await claimed(app, counselor)
    // Just after midnight in Kiritimati (UTC+14): today there, and most of the day a day before
    // "today" in UTC-12, 26 hours behind.
    const moment = DateTime.now().setZone('Pacific/Kiritimati').startOf('day').plus({ minutes: 1 })
    await app.db
      .update(enquiries)
      .set({ followUpAt: moment.toJSDate() })
      .where(eq(enquiries.id, id))
    const todayIn = async (tz: string) =>
      (
        await list(
          app,
          `/api/enquiries/follow-ups?when=today&tz=${encodeURIComponent(tz)}`,
          counselor.token,
        )
      ).body.data.map((e) => e._id)
    assert.deepEqual(await todayIn('Pacific/Kiritimati'), [id])
    const farWest = 'Etc/GMT+12'
    const sameDay = moment.setZone(farWest).hasSame(DateTime.now().setZone(farWest), 'day')
    assert.deepEqual(await todayIn(farWest), sameDay ? [id] : [])
  })
})
