import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eq } from 'drizzle-orm'
import { enquiries } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee } from './support/app.js'
import { claim, setStatus, submitEnquiry } from './support/enquiries.js'

test('GET /api/stats reports time to first contact, the SLA met rate overall and per counselor, and leads routed per rule', async (t) => {
  const app = await buildTestApp(t)
  const admin = await createEmployee(app, { role: 'admin' })
  const counselor = await createEmployee(app)
  await call(app, {
    method: 'PUT',
    url: '/api/settings/sla',
    token: admin.token,
    payload: {
      enabled: true,
      firstContact: { high: 'PT1H', medium: 'PT1H', low: 'PT1H' },
      businessHours: null,
      onBreach: 'notify',
      warnBefore: null,
    },
  })
  const rule = await call(app, {
    method: 'POST',
    url: '/api/routing-rules',
    token: admin.token,
    payload: {
      name: 'Events',
      position: 1,
      match: { sources: ['event'] },
      strategy: 'round_robin',
      counselorIds: [counselor.id],
    },
  })
  const ruleId = (rule.body.data as { _id: string })._id
  const routed = await submitEnquiry(app, { source: 'event' })
  const inTime = await submitEnquiry(app)
  await claim(app, inTime, counselor.token)
  await setStatus(app, inTime, 'contacted', counselor.token)
  // Contacted after its deadline: the deadline is moved into the past first.
  await app.db
    .update(enquiries)
    .set({ firstContactDueAt: new Date(Date.now() - 60_000) })
    .where(eq(enquiries.id, routed))
  await setStatus(app, routed, 'contacted', counselor.token)

  const { status, body } = await call(app, { method: 'GET', url: '/api/stats', token: admin.token })
  assert.equal(status, 200, JSON.stringify(body))
  const data = body.data as {
    firstContact: Record<string, number | null>
    byRule: { ruleId: string; name: string; routed: number }[]
    counselors: { _id: string; firstContact: Record<string, number | null> }[]
  }
  assert.deepEqual(data.byRule, [{ ruleId, name: 'Events', routed: 1 }])
  assert.equal(data.firstContact.met, 1)
  assert.equal(data.firstContact.missed, 1)
  assert.equal(data.firstContact.slaMetRate, 0.5)
  assert.equal(typeof data.firstContact.medianSeconds, 'number')
  assert.equal(typeof data.firstContact.p90Seconds, 'number')
  const mine = data.counselors.find((row) => row._id === counselor.id)
  assert.equal(mine?.firstContact.met, 1)
  assert.equal(mine?.firstContact.slaMetRate, 0.5)
})
