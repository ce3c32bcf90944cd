import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { activity } from '../src/db/schema/index.js'
import {
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  keepBusy,
  type TestEmployee,
} from './support/app.js'
import { claim, enquiryForm, setStatus, submitEnquiry } from './support/enquiries.js'
import { type Received, startReceiver, until } from './support/receiver.js'

/** Short retries, quick polling, and receivers on 127.0.0.1 allowed. */
const FAST = {
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  WEBHOOK_RETRY_DELAYS: '1s,1s,1s',
  WEBHOOK_ALLOW_PRIVATE: 'true',
}

interface WebhookBody {
  id: string
  url: string
  events: string[]
  active: boolean
  disabledReason: string | null
  secret?: string
}

interface DeliveryBody {
  id: string
  eventType: string
  status: string
  attempts: number
  lastStatusCode: number | null
  lastError: string | null
  responseBody: string | null
  lastDurationMs: number | null
  nextAttemptAt: string | null
}

async function addWebhook(
  app: FastifyInstance,
  admin: TestEmployee,
  receiver: { url: string; useSecret: (secret: string) => void },
  events: string[] = ['*'],
): Promise<WebhookBody> {
  const { status, body } = await call(app, {
    method: 'POST',
    url: '/api/webhooks',
    token: admin.token,
    payload: { url: receiver.url, events },
  })
  assert.equal(status, 201, JSON.stringify(body))
  const webhook = body.data as WebhookBody
  receiver.useSecret(webhook.secret ?? '')
  return webhook
}

async function deliveriesOf(app: FastifyInstance, admin: TestEmployee, webhookId: string) {
  const { status, body } = await call(app, {
    method: 'GET',
    url: `/api/webhooks/${webhookId}/deliveries`,
    token: admin.token,
  })
  assert.equal(status, 200)
  return body.data as DeliveryBody[]
}

const typesOf = (received: Received[]) => received.map((r) => r.event?.type ?? 'UNVERIFIED')

describe('webhook endpoints (admin)', () => {
  test('the secret is shown at creation and on rotation only; an endpoint can be changed and deleted', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const created = await addWebhook(
      app,
      admin,
      { url: 'https://example.com/hooks', useSecret() {} },
      ['enquiry.created'],
    )
    assert.match(created.secret ?? '', /^whsec_[A-Za-z0-9+/=]{40,}$/)

    const read = await call(app, {
      method: 'GET',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
    })
    assert.equal(read.status, 200)
    assert.equal((read.body.data as WebhookBody).secret, undefined)
    const listed = await call(app, { method: 'GET', url: '/api/webhooks', token: admin.token })
    assert.deepEqual(
      (listed.body.data as WebhookBody[]).map((w) => [w.id, w.secret]),
      [[created.id, undefined]],
    )

    const rotated = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${created.id}/rotate-secret`,
      token: admin.token,
    })
    assert.equal(rotated.status, 200)
    const newSecret = (rotated.body.data as WebhookBody).secret
    assert.match(newSecret ?? '', /^whsec_/)
    assert.notEqual(newSecret, created.secret)

    const patched = await call(app, {
      method: 'PATCH',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
      payload: { events: ['*'], active: false, description: 'SIS sync' },
    })
    assert.equal(patched.status, 200)
    assert.deepEqual(
      {
        events: (patched.body.data as WebhookBody).events,
        active: (patched.body.data as WebhookBody).active,
      },
      { events: ['*'], active: false },
    )
    assert.equal((patched.body.data as { description: unknown }).description, 'SIS sync')
    // null clears the description; leaving it out keeps it.
    const cleared = await call(app, {
      method: 'PATCH',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
      payload: { description: null },
    })
    assert.equal(cleared.status, 200)
    assert.equal((cleared.body.data as { description: unknown }).description, null)
    const kept = await call(app, {
      method: 'PATCH',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
      payload: { active: true },
    })
    assert.equal((kept.body.data as { description: unknown }).description, null)
    assert.equal((kept.body.data as WebhookBody).active, true)

    const badUrl = await call(app, {
      method: 'POST',
      url: '/api/webhooks',
      token: admin.token,
      payload: { url: 'ftp://example.com/x', events: ['*'] },
    })
    assert.equal(badUrl.status, 400)
    assert.equal(badUrl.body.code, 'VALIDATION_FAILED')
    assert.deepEqual(fieldErrors(badUrl.body), [
      {
        field: 'url',
        message: 'must be an address that starts with http:// or https://, without spaces',
      },
    ])

    const deleted = await call(app, {
      method: 'DELETE',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
    })
    assert.equal(deleted.status, 200)
    const gone = await call(app, {
      method: 'GET',
      url: `/api/webhooks/${created.id}`,
      token: admin.token,
    })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.code, 'WEBHOOK_NOT_FOUND')
  })
})

describe('webhook deliveries', () => {
  test('each event type reaches an endpoint subscribed to it, signed, and not one that is not', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app, { name: 'Casey Counselor' })
    const leaving = await createEmployee(app, { name: 'Lee Leaving' })
    const everything = await startReceiver(t)
    const claimsOnly = await startReceiver(t)
    await addWebhook(app, admin, everything, ['*'])
    await addWebhook(app, admin, claimsOnly, ['enquiry.claimed'])

    const form = enquiryForm({ name: 'Robin Prospect' })
    const id = await submitEnquiry(app, form) // enquiry.created
    await submitEnquiry(app, { ...form, message: 'again' }) // enquiry.resubmitted
    assert.equal((await claim(app, id, counselor.token)).status, 200) // enquiry.claimed
    const note = await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/notes`,
      token: counselor.token,
      payload: { text: 'Called, no answer' },
    })
    assert.equal(note.status, 201) // enquiry.note_added
    assert.equal((await setStatus(app, id, 'contacted', counselor.token)).status, 200) // status_changed
    const released = await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/release`,
      token: admin.token,
    })
    assert.equal(released.status, 200) // enquiry.released
    const assigned = await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/assign`,
      token: admin.token,
      payload: { employeeId: leaving.id },
    })
    assert.equal(assigned.status, 200) // enquiry.assigned
    const deactivated = await call(app, {
      method: 'PATCH',
      url: `/api/employees/${leaving.id}`,
      token: admin.token,
      payload: { isActive: false },
    }) // employee.deactivated, and enquiry.released of the lead they held
    assert.equal(deactivated.status, 200)

    const expected = [
      'enquiry.created',
      'enquiry.resubmitted',
      'enquiry.claimed',
      'enquiry.note_added',
      'enquiry.status_changed',
      'enquiry.released',
      'enquiry.assigned',
      'enquiry.released',
      'employee.deactivated',
    ]
    await until(() => everything.received.length >= expected.length, 'every event')
    assert.deepEqual([...typesOf(everything.received)].sort(), [...expected].sort())
    await until(() => claimsOnly.received.length >= 1, 'the claim')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.deepEqual(typesOf(claimsOnly.received), ['enquiry.claimed'])

    const claimed = everything.received.find((r) => r.event?.type === 'enquiry.claimed')?.event
    const enquiry = claimed?.data.enquiry as { id: string; name: string; notes?: unknown }
    assert.equal(enquiry.id, id)
    assert.equal(enquiry.name, 'Robin Prospect')
    assert.equal(enquiry.notes, undefined, 'no notes in a payload')
    assert.deepEqual(claimed?.data.actor, {
      _id: counselor.id,
      id: counselor.id,
      name: counselor.name,
      email: counselor.email,
    })
    const employeeEvent = everything.received.find(
      (r) => r.event?.type === 'employee.deactivated',
    )?.event
    assert.equal((employeeEvent?.data.employee as { id?: string } | undefined)?.id, leaving.id)
    // Each event has its own id, and the headers name the message.
    const ids = everything.received.map((r) => r.headers['webhook-id'])
    assert.equal(new Set(ids).size, ids.length)
    assert.ok(ids.every((value) => /^msg_[0-9a-f]{24}$/.test(String(value))))
  })

  test('a change that rolls back sends nothing; one that commits is sent', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t)
    await addWebhook(app, admin, receiver)
    const id = await submitEnquiry(app)
    await until(() => receiver.received.length === 1, 'the created event')

    await app.db
      .transaction(async (tx) => {
        await tx
          .insert(activity)
          .values({ enquiryId: id, type: 'status_changed', actorId: admin.id })
        tx.rollback()
      })
      .catch(() => {})
    await app.db.insert(activity).values({ enquiryId: id, type: 'note_added', actorId: admin.id })
    await until(() => receiver.received.length === 2, 'the committed event')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.deepEqual(typesOf(receiver.received), ['enquiry.created', 'enquiry.note_added'])
  })

  test('a receiver failing twice then succeeding gets three attempts with the same webhook-id', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t, (n) =>
      n < 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'x'.repeat(5000) },
    )
    const webhook = await addWebhook(app, admin, receiver, ['enquiry.created'])
    await submitEnquiry(app)
    await until(() => receiver.received.length === 3, 'three attempts')
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']))
    assert.equal(ids.size, 1, 'one webhook-id')
    assert.ok(
      receiver.received.every((r) => r.event?.type === 'enquiry.created'),
      'each verifies',
    )
    const gaps = receiver.received.slice(1).map((r, i) => r.at - (receiver.received[i]?.at ?? 0))
    assert.ok(
      gaps.every((gap) => gap >= 850),
      `retries waited about 1 s: ${gaps}`,
    )

    await until(
      async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'succeeded',
      'the log',
    )
    const [delivery] = await deliveriesOf(app, admin, webhook.id)
    assert.equal(delivery?.attempts, 3)
    assert.equal(delivery?.lastStatusCode, 200)
    assert.equal(delivery?.lastError, null)
    assert.equal(delivery?.nextAttemptAt, null)
    assert.equal(delivery?.responseBody?.length, 1024, 'the response body is cut to 1 KB')
    assert.ok((delivery?.lastDurationMs ?? -1) >= 0)
  })

  test('after the last retry a delivery is failed; a manual retry sends it again with the same webhook-id', async (t) => {
    const app = await buildTestApp(t, { ...FAST, WEBHOOK_RETRY_DELAYS: '1s' })
    const admin = await createEmployee(app, { role: 'admin' })
    let healthy = false
    const receiver = await startReceiver(t, () =>
      healthy ? { status: 204 } : { status: 500, body: 'boom' },
    )
    const webhook = await addWebhook(app, admin, receiver, ['enquiry.created'])
    await submitEnquiry(app)
    await until(
      async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'failed',
      'failure',
    )
    const [failed] = await deliveriesOf(app, admin, webhook.id)
    assert.equal(failed?.attempts, 2)
    assert.equal(failed?.lastStatusCode, 500)
    assert.equal(failed?.lastError, 'the receiver answered 500')
    assert.equal(failed?.responseBody, 'boom')

    healthy = true
    const retried = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${webhook.id}/deliveries/${failed?.id}/retry`,
      token: admin.token,
    })
    assert.equal(retried.status, 202)
    const again = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${webhook.id}/deliveries/${failed?.id}/retry`,
      token: admin.token,
    })
    assert.equal(again.status, 409)
    assert.equal(again.body.code, 'DELIVERY_PENDING')
    await until(() => receiver.received.length === 3, 'the manual retry')
    assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1)
    await until(
      async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'succeeded',
      'success',
    )

    const unknown = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${webhook.id}/deliveries/${'0'.repeat(24)}/retry`,
      token: admin.token,
    })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.code, 'DELIVERY_NOT_FOUND')
  })

  test('a 410 disables the endpoint', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t, () => ({ status: 410 }))
    const webhook = await addWebhook(app, admin, receiver, ['enquiry.created'])
    await submitEnquiry(app)
    await until(
      async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'failed',
      'failure',
    )
    const read = await call(app, {
      method: 'GET',
      url: `/api/webhooks/${webhook.id}`,
      token: admin.token,
    })
    const after = read.body.data as WebhookBody
    assert.equal(after.active, false)
    assert.match(after.disabledReason ?? '', /410/)
    await submitEnquiry(app)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal(receiver.received.length, 1, 'nothing more is sent to it')
  })

  test('a test event reaches the endpoint', async (t) => {
    const app = await buildTestApp(t, FAST)
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t)
    const webhook = await addWebhook(app, admin, receiver, ['enquiry.created'])
    const sent = await call(app, {
      method: 'POST',
      url: `/api/webhooks/${webhook.id}/test`,
      token: admin.token,
    })
    assert.equal(sent.status, 202)
    await until(() => receiver.received.length === 1, 'the test event')
    assert.equal(receiver.received[0]?.event?.type, 'webhook.test')
  })
})

describe('the SSRF guard', () => {
  for (const target of ['http://127.0.0.1:9/hooks', 'http://169.254.169.254/latest/meta-data']) {
    test(`a delivery to ${target} is refused unless private addresses are allowed`, async (t) => {
      const app = await buildTestApp(t, { ...FAST, WEBHOOK_ALLOW_PRIVATE: 'false' })
      const admin = await createEmployee(app, { role: 'admin' })
      const webhook = await addWebhook(app, admin, { url: target, useSecret() {} }, [
        'enquiry.created',
      ])
      await submitEnquiry(app)
      await until(
        async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'failed',
        'refusal',
      )
      const [delivery] = await deliveriesOf(app, admin, webhook.id)
      assert.equal(delivery?.attempts, 1, 'a refusal is not retried')
      assert.match(
        delivery?.lastError ?? '',
        /^refused: .* is a (loopback|cloud metadata) address$/,
      )
    })
  }

  test('a name that resolves to a loopback address is refused after resolution', async (t) => {
    const app = await buildTestApp(t, { ...FAST, WEBHOOK_ALLOW_PRIVATE: 'false' })
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t)
    const url = receiver.url.replace('127.0.0.1', 'localhost')
    const webhook = await addWebhook(app, admin, { url, useSecret() {} }, ['enquiry.created'])
    await submitEnquiry(app)
    await until(
      async () => (await deliveriesOf(app, admin, webhook.id))[0]?.status === 'failed',
      'refusal',
    )
    const [delivery] = await deliveriesOf(app, admin, webhook.id)
    assert.match(delivery?.lastError ?? '', /^refused: localhost → .* is a loopback address$/)
    assert.equal(receiver.received.length, 0)
  })
})

describe('outbound events give way to requests', () => {
  test('while requests keep the instance busy, events wait in the outbox; once the load stops they are delivered', async (t) => {
    const app = await buildTestApp(t, { ...FAST, JOB_BACKGROUND_WAIT_MS: '60000' })
    const admin = await createEmployee(app, { role: 'admin' })
    const receiver = await startReceiver(t)
    const webhook = await addWebhook(app, admin, receiver, ['enquiry.created'])

    const stopLoad = keepBusy(app, t)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await submitEnquiry(app)
    // Four polls of the outbox and of the queue.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    assert.deepEqual(await deliveriesOf(app, admin, webhook.id), [], 'still in the outbox')
    assert.equal(receiver.received.length, 0)

    await stopLoad()
    await until(() => receiver.received.length === 1, 'the delivery, once the load stops', 10_000)
    assert.deepEqual(typesOf(receiver.received), ['enquiry.created'])
  })
})
