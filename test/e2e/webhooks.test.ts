import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serverDatabase, TEST_DATABASE_URL } from '../support/database.js'
import { startReceiver, until } from '../support/receiver.js'
import { request, type ServerProcess, startServer } from '../support/server.js'

const ADMIN = { ADMIN_EMAIL: 'hooks@example.com', ADMIN_PASSWORD: 'hooks-password-123' }

const baseEnv = (databaseUrl: string) => ({
  NODE_ENV: 'production',
  JWT_SECRET: 'w'.repeat(40),
  DATABASE_URL: databaseUrl,
  ENQUIRY_RATE_LIMIT_MAX: '1000',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_DELAYS: '1s,1s,1s',
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  ...ADMIN,
})

async function adminToken(server: ServerProcess): Promise<string> {
  const { body } = await request<{ data: { token: string } }>(
    server.url,
    'POST',
    '/api/auth/login',
    {
      body: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
    },
  )
  return body.data.token
}

let serial = 0
async function submit(server: ServerProcess): Promise<string> {
  serial += 1
  const { status, body } = await request<{ data: { id: string } }>(
    server.url,
    'POST',
    '/api/enquiries',
    {
      body: {
        name: `Student ${serial}`,
        email: `student${serial}-${Date.now()}@example.com`,
        phone: `555${String(1_000_000 + serial)}`,
        courseInterest: 'Web Development',
      },
    },
  )
  assert.equal(status, 201)
  return body.data.id
}

async function addWebhook(server: ServerProcess, token: string, url: string): Promise<string> {
  const { status, body } = await request<{ data: { secret: string } }>(
    server.url,
    'POST',
    '/api/webhooks',
    {
      token,
      body: { url, events: ['enquiry.created'] },
    },
  )
  assert.equal(status, 201)
  return body.data.secret
}

describe('webhooks across processes', () => {
  test('a change committed just before SIGKILL is still delivered after the restart', {
    timeout: 180_000,
  }, async (t) => {
    const database = await serverDatabase()
    t.after(() => database.dispose())
    const receiver = await startReceiver(t)
    // Polling once a minute: nothing can leave this process before it is killed.
    const first = await startServer({ ...baseEnv(database.url), JOB_POLL_INTERVAL_SECONDS: '60' })
    t.after(() => first.stop('SIGKILL'))
    receiver.useSecret(await addWebhook(first, await adminToken(first), receiver.url))
    const id = await submit(first)
    assert.equal(await first.stop('SIGKILL'), null)
    assert.equal(receiver.received.length, 0)

    const second = await startServer(baseEnv(database.url))
    t.after(() => second.stop())
    await until(() => receiver.received.length >= 1, 'the delivery after the restart', 30_000)
    const event = receiver.received[0]?.event
    assert.equal(event?.type, 'enquiry.created', 'signed and verified')
    assert.equal((event?.data.enquiry as { id?: string } | undefined)?.id, id)
    assert.equal(await second.stop(), 0)
  })

  test(
    'with two instances, each event is delivered once',
    TEST_DATABASE_URL ? { timeout: 180_000 } : { skip: 'needs PostgreSQL: set TEST_DATABASE_URL' },
    async (t) => {
      const database = await serverDatabase()
      t.after(() => database.dispose())
      const receiver = await startReceiver(t)
      const env = baseEnv(database.url)
      const one = await startServer(env)
      t.after(() => one.stop())
      const two = await startServer(env)
      t.after(() => two.stop())
      receiver.useSecret(await addWebhook(one, await adminToken(one), receiver.url))
      const ids: string[] = []
      for (let i = 0; i < 20; i++) ids.push(await submit(i % 2 === 0 ? one : two))
      await until(() => receiver.received.length >= ids.length, 'every delivery', 30_000)
      await new Promise((resolve) => setTimeout(resolve, 2000))
      const delivered = receiver.received.map(
        (r) => (r.event?.data.enquiry as { id?: string } | undefined)?.id,
      )
      assert.equal(delivered.length, ids.length, 'no event twice')
      assert.deepEqual([...delivered].sort(), [...ids].sort())
      assert.deepEqual(await Promise.all([one.stop(), two.stop()]), [0, 0])
    },
  )
})
