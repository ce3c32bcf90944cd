import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { asc, eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { consents, enquiries } from '../src/db/schema/index.js'
import { assertError, buildTestApp, call, fieldErrors } from './support/app.js'
import { enquiryForm } from './support/enquiries.js'

const NOTICE = {
  PRIVACY_NOTICE_URL: 'https://www.example.edu/privacy',
  PRIVACY_NOTICE_VERSION: '2025-01',
}

const submit = (app: FastifyInstance, payload: Record<string, unknown>) =>
  call(app, { method: 'POST', url: '/api/enquiries', payload })

const consentsOf = (app: FastifyInstance, enquiryId: string) =>
  app.db
    .select({
      privacyNotice: consents.privacyNotice,
      marketing: consents.marketing,
      noticeVersion: consents.noticeVersion,
      givenAt: consents.givenAt,
    })
    .from(consents)
    .where(eq(consents.enquiryId, enquiryId))
    .orderBy(asc(consents.givenAt), asc(consents.id))

const countEnquiries = async (app: FastifyInstance) =>
  (await app.db.select({ n: sql<number>`count(*)::int` }).from(enquiries))[0]?.n

describe('POST /api/enquiries with consent', () => {
  test('when consent is not required, a client that sends none is served as before and no consent is stored', async (t) => {
    const app = await buildTestApp(t, NOTICE)
    const { status, body } = await submit(app, enquiryForm())
    assert.equal(status, 201)
    const id = (body.data as { id: string }).id
    assert.deepEqual(await consentsOf(app, id), [])
  })

  test('a consent sent is stored with the time and the notice version; marketing left out is no', async (t) => {
    const app = await buildTestApp(t, NOTICE)
    const before = Date.now()
    const both = await submit(app, {
      ...enquiryForm(),
      consent: { privacyNotice: true, marketing: true },
    })
    assert.equal(both.status, 201)
    const [stored] = await consentsOf(app, (both.body.data as { id: string }).id)
    assert.ok(stored)
    assert.deepEqual(
      { ...stored, givenAt: undefined },
      { privacyNotice: true, marketing: true, noticeVersion: '2025-01', givenAt: undefined },
    )
    assert.ok(stored.givenAt.getTime() >= before - 1000 && stored.givenAt.getTime() <= Date.now())

    const noticeOnly = await submit(app, { ...enquiryForm(), consent: { privacyNotice: true } })
    const [second] = await consentsOf(app, (noticeOnly.body.data as { id: string }).id)
    assert.equal(second?.marketing, false)
  })

  test('a resubmission absorbed by the open lead adds its own consent record to that lead', async (t) => {
    const app = await buildTestApp(t, NOTICE)
    const form = enquiryForm()
    const first = await submit(app, { ...form, consent: { privacyNotice: true, marketing: false } })
    const again = await submit(app, { ...form, consent: { privacyNotice: true, marketing: true } })
    const id = (first.body.data as { id: string }).id
    assert.equal((again.body.data as { id: string }).id, id)
    const records = await consentsOf(app, id)
    assert.deepEqual(
      records.map((record) => record.marketing),
      [false, true],
    )
  })

  test('when REQUIRE_PRIVACY_CONSENT=true, a submission without privacyNotice true is a 400 naming the field, and nothing is stored', async (t) => {
    const app = await buildTestApp(t, { ...NOTICE, REQUIRE_PRIVACY_CONSENT: 'true' })
    const before = await countEnquiries(app)
    for (const consent of [undefined, { privacyNotice: false, marketing: true }]) {
      const result = await submit(app, { ...enquiryForm(), ...(consent ? { consent } : {}) })
      assertError(result, 400, 'VALIDATION_FAILED')
      assert.deepEqual(
        fieldErrors(result.body).map((error) => error.field),
        ['consent.privacyNotice'],
      )
    }
    assert.equal(await countEnquiries(app), before)

    const agreed = await submit(app, { ...enquiryForm(), consent: { privacyNotice: true } })
    assert.equal(agreed.status, 201)
    const [stored] = await consentsOf(app, (agreed.body.data as { id: string }).id)
    assert.equal(stored?.privacyNotice, true)
    assert.equal(stored?.noticeVersion, '2025-01')
  })

  test('a consent that is not a pair of booleans is a 400 naming the field', async (t) => {
    const app = await buildTestApp(t)
    const before = await countEnquiries(app)
    for (const [consent, field] of [
      [{ privacyNotice: 'yes' }, 'consent.privacyNotice'],
      [{ privacyNotice: true, marketing: 1 }, 'consent.marketing'],
      [{ marketing: true }, 'consent.privacyNotice'],
      [true, 'consent'],
    ] as const) {
      const result = await submit(app, { ...enquiryForm(), consent })
      assertError(result, 400, 'VALIDATION_FAILED')
      assert.deepEqual(
        fieldErrors(result.body).map((error) => error.field),
        [field],
        JSON.stringify(consent),
      )
    }
    assert.equal(await countEnquiries(app), before)
  })
})
