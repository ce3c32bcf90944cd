import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildTestApp, call, createEmployee } from './support/app.js'
import { enquiryForm, submitEnquiry } from './support/enquiries.js'
import { erase } from './support/privacy.js'
import { startReceiver, until } from './support/receiver.js'

const FAST = {
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  WEBHOOK_RETRY_DELAYS: '1s',
  WEBHOOK_ALLOW_PRIVATE: 'true',
}

describe('erasure and webhooks', () => {
  test('after an erasure, the delivery log keeps no receiver answer and a redelivery carries only the marker', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const person = enquiryForm({ name: 'Philippa Cartwright-Oyelaran' })
    // A receiver that fails and echoes what it got, as some do in their error pages.
    const receiver = await startReceiver(t, () => ({
      status: 500,
      body: `could not store ${person.name} <${person.email}>`,
    }))
    const created = await call(app, {
      method: 'POST',
      url: '/api/webhooks',
      token: admin.token,
      payload: { url: receiver.url, events: ['enquiry.created'] },
    })
    const webhook = created.body.data as { _id: string; secret: string }
    receiver.useSecret(webhook.secret)
    await submitEnquiry(app, person)

    const deliveries = async () =>
      (
        await call(app, {
          method: 'GET',
          url: `/api/webhooks/${webhook._id}/deliveries`,
          token: admin.token,
        })
      ).body.data as { id: string; status: string; responseBody: string | null }[]
    await until(async () => (await deliveries())[0]?.status === 'failed', 'the failed delivery')
    assert.ok(receiver.received[0]?.body.includes(person.email), 'delivered before the erasure')
    assert.match((await deliveries())[0]?.responseBody ?? '', /Cartwright-Oyelaran/)

    const erased = await erase(app, admin.token, { email: person.email, reason: 'request' })
    assert.equal(erased.status, 200)
    const [delivery] = await deliveries()
    assert.equal(delivery?.responseBody, null)
    const logText = JSON.stringify(await deliveries())
    assert.ok(!logText.includes(person.email) && !logText.includes('Cartwright'))

    const before = receiver.received.length
    const retried = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${webhook._id}/deliveries/${delivery?.id}/retry`,
      token: admin.token,
    })
    assert.equal(retried.status, 202)
    await until(() => receiver.received.length > before, 'the redelivery')
    const redelivered = receiver.received.at(-1)
    assert.ok(redelivered?.event, 'the redelivery is signed')
    for (const value of [person.name, person.email, person.phone, 'Cartwright']) {
      assert.ok(!redelivered.body.includes(value), `the redelivery holds ${value}`)
    }
    const enquiry = (redelivered.event.data as { enquiry: { name: string; email: string } }).enquiry
    assert.deepEqual([enquiry.name, enquiry.email], ['[erased]', '[erased]'])
  })
})
