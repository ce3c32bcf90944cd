import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { serverDatabase } from '../support/database.js'
import { request, startServer } from '../support/server.js'

type Body = { data?: Record<string, unknown> }

test('a first-contact deadline that passed while the server was killed is acted on within seconds of the next start', async (t) => {
  const database = await serverDatabase()
  t.after(() => database.dispose())
  const env = {
    NODE_ENV: 'production',
    JWT_SECRET: 'sla-restart-secret-sla-restart-secret',
    DATABASE_URL: database.url,
    JOB_POLL_INTERVAL_SECONDS: '0.5',
    ADMIN_EMAIL: 'sla@example.com',
    ADMIN_PASSWORD: 'sla-password-123',
  }
  const first = await startServer(env)
  // A child killed by a signal keeps exitCode null: stopping it twice would wait forever.
  t.after(() => (first.child.signalCode === null ? first.stop('SIGKILL') : undefined))
  const call = (method: string, path: string, token?: string, body?: unknown) =>
    request<Body>(first.url, method, path, { token, body })

  const login = await call('POST', '/api/auth/login', undefined, {
    email: env.ADMIN_EMAIL,
    password: env.ADMIN_PASSWORD,
  })
  const admin = String(login.body.data?.token)
  const registered = await call('POST', '/api/auth/register', admin, {
    name: 'Slow Counselor',
    email: 'slow@example.com',
    password: 'password123',
  })
  const counselor = String(registered.body.data?.token)
  const saved = await call('PUT', '/api/settings/sla', admin, {
    enabled: true,
    firstContact: { high: 'PT3S', medium: 'PT3S', low: 'PT3S' },
    businessHours: null,
    onBreach: 'release',
    warnBefore: null,
  })
  assert.equal(saved.status, 200)
  const submitted = await call('POST', '/api/enquiries', undefined, {
    name: 'Alice Smith',
    email: 'alice-sla@example.com',
    phone: '5550101010',
    courseInterest: 'Web Development',
  })
  const id = String(submitted.body.data?.id)
  const claimed = await call('POST', `/api/enquiries/${id}/claim`, counselor)
  assert.equal(claimed.status, 200)
  const due = Date.parse(String(claimed.body.data?.firstContactDueAt))

  // Killed before the deadline; down until well after it.
  assert.equal(await first.stop('SIGKILL'), null)
  await sleep(Math.max(0, due - Date.now()) + 1000)

  const second = await startServer(env)
  t.after(() => second.stop('SIGKILL'))
  const restarted = Date.now()
  let status = ''
  while (Date.now() - restarted < 8000) {
    const read = await request<Body>(second.url, 'GET', `/api/enquiries/${id}`, { token: admin })
    status = String(read.body.data?.status)
    if (status === 'unclaimed') break
    await sleep(250)
  }
  assert.equal(status, 'unclaimed', 'released after the restart')
  assert.ok(Date.now() - restarted < 8000)
  const read = await request<Body>(second.url, 'GET', `/api/enquiries/${id}`, { token: admin })
  const entries = (read.body.data?.activity ?? []) as { type: string }[]
  const types = entries.map((e) => e.type)
  assert.deepEqual(types, ['created', 'claimed', 'sla_breached', 'released'])
})
