import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  me as meFrom,
  uniqueEmail,
} from '../support/app.js'
import { enquiryForm } from '../support/enquiries.js'

const me = (
  app: FastifyInstance,
  { ip, ...options }: { token?: string; ip?: string; headers?: Record<string, string> } = {},
) => meFrom(app, { ...options, remoteAddress: ip ?? '203.0.113.1' })

describe('rate limits', () => {
  test('past RATE_LIMIT_MAX_REQUESTS a client gets 429 in the error format, with Retry-After and limit headers', async (t) => {
    const app = await buildTestApp(t, {
      RATE_LIMIT_MAX_REQUESTS: '3',
      RATE_LIMIT_WINDOW_MS: '60000',
    })
    const first = await me(app)
    assert.equal(first.status, 401)
    assert.equal(first.response.headers['x-ratelimit-limit'], '3')
    assert.equal(first.response.headers['x-ratelimit-remaining'], '2')
    await me(app)
    await me(app)
    const limited = await me(app)
    assertError(limited, 429, 'RATE_LIMITED')
    assert.match(
      String(limited.body.message),
      /^Too many requests, please try again in \d+ (seconds?|minutes?)$/,
    )
    assert.ok(Number(limited.response.headers['retry-after']) > 0)
    assert.equal(limited.response.headers['x-ratelimit-remaining'], '0')
    assert.equal(
      (await me(app, { ip: '203.0.113.2' })).status,
      401,
      'another address has its own quota',
    )
  })

  test('an authenticated employee is limited by who they are, not by their address', async (t) => {
    const app = await buildTestApp(t, {
      RATE_LIMIT_MAX_REQUESTS: '2',
      RATE_LIMIT_EMPLOYEE_MAX: '2',
    })
    const alice = await createEmployee(app)
    const bob = await createEmployee(app)
    for (let i = 0; i < 2; i++) assert.equal((await me(app, { token: alice.token })).status, 200)
    assert.equal((await me(app, { token: alice.token })).status, 429)
    assert.equal(
      (await me(app, { token: alice.token, ip: '198.51.100.9' })).status,
      429,
      'a new address does not help',
    )
    assert.equal(
      (await me(app, { token: bob.token })).status,
      200,
      'a colleague behind the same address is unaffected',
    )
  })

  test('a logged-in employee gets RATE_LIMIT_EMPLOYEE_MAX, anonymous callers RATE_LIMIT_MAX_REQUESTS', async (t) => {
    const app = await buildTestApp(t, {
      RATE_LIMIT_MAX_REQUESTS: '2',
      RATE_LIMIT_EMPLOYEE_MAX: '4',
    })
    const counselor = await createEmployee(app)
    const anonymous = []
    for (let i = 0; i < 3; i++) anonymous.push((await me(app)).status)
    assert.deepEqual(anonymous, [401, 401, 429])
    const employee = []
    for (let i = 0; i < 5; i++) employee.push((await me(app, { token: counselor.token })).status)
    assert.deepEqual(employee, [200, 200, 200, 200, 429])
    const headers = (await me(app, { token: counselor.token, ip: '198.51.100.2' })).response.headers
    assert.equal(headers['x-ratelimit-limit'], '4')
  })

  test('a forged token does not buy a fresh quota', async (t) => {
    const app = await buildTestApp(t, { RATE_LIMIT_MAX_REQUESTS: '2' })
    await me(app)
    await me(app)
    const forged = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'a'.repeat(24) })).toString('base64url')}.sig`
    assert.equal((await me(app, { token: forged })).status, 429)
  })

  test('login and register share a stricter limit per address (AUTH_RATE_LIMIT_MAX)', async (t) => {
    const app = await buildTestApp(t, { AUTH_RATE_LIMIT_MAX: '3', LOGIN_MAX_FAILURES: '100' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const login = await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.5',
        payload: { email: uniqueEmail(), password: 'whatever-password' },
      })
      statuses.push(login.status)
    }
    assert.deepEqual(statuses, [401, 401, 401, 429])
    const registerStatuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const register = await call(app, {
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '203.0.113.5',
        payload: { name: 'Someone', email: uniqueEmail(), password: 'password123' },
      })
      registerStatuses.push(register.status)
    }
    assert.deepEqual(registerStatuses, [201, 201, 201, 429])
  })

  test('the public enquiry form has its own limit per address (ENQUIRY_RATE_LIMIT_MAX), and a refused form is not stored', async (t) => {
    const app = await buildTestApp(t, { ENQUIRY_RATE_LIMIT_MAX: '2' })
    const submit = (email: string) =>
      call(app, {
        method: 'POST',
        url: '/api/enquiries',
        remoteAddress: '203.0.113.7',
        payload: enquiryForm({ email }),
      })
    assert.equal((await submit(uniqueEmail())).status, 201)
    assert.equal((await submit(uniqueEmail())).status, 201)
    const refusedEmail = uniqueEmail('refused')
    const refused = await submit(refusedEmail)
    assert.equal(refused.status, 429)
    const admin = await createEmployee(app, { role: 'admin' })
    const pool = await call(app, {
      method: 'GET',
      url: `/api/enquiries/unclaimed?q=${refusedEmail}`,
      token: admin.token,
    })
    assert.equal(pool.body.total, 0)
  })

  test('without TRUST_PROXY a spoofed X-Forwarded-For does not buy a fresh quota', async (t) => {
    const app = await buildTestApp(t, { RATE_LIMIT_MAX_REQUESTS: '2' })
    await me(app)
    await me(app)
    const spoofed = await me(app, { headers: { 'x-forwarded-for': '192.0.2.77' } })
    assert.equal(spoofed.status, 429)
  })

  test('with TRUST_PROXY naming the proxy, the client address comes from X-Forwarded-For', async (t) => {
    const app = await buildTestApp(t, {
      RATE_LIMIT_MAX_REQUESTS: '2',
      TRUST_PROXY: '203.0.113.0/24',
    })
    const viaProxy = (client: string) => me(app, { headers: { 'x-forwarded-for': client } })
    await viaProxy('192.0.2.10')
    await viaProxy('192.0.2.10')
    assert.equal((await viaProxy('192.0.2.10')).status, 429)
    assert.equal(
      (await viaProxy('192.0.2.11')).status,
      401,
      'another client behind the proxy has its own quota',
    )
    // A request not coming from the trusted proxy cannot choose its address.
    const direct = (client: string) =>
      me(app, { ip: '198.51.100.1', headers: { 'x-forwarded-for': client } })
    await direct('192.0.2.50')
    await direct('192.0.2.51')
    assert.equal((await direct('192.0.2.52')).status, 429)
  })
})

describe('unknown routes', () => {
  test('with the web console served, unknown API paths and files still count against the quota', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-console-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>')
    const app = await buildTestApp(t, { RATE_LIMIT_MAX_REQUESTS: '2', CONSOLE_DIR: dir })
    const get = (url: string) => call(app, { method: 'GET', url, remoteAddress: '203.0.113.7' })
    assert.equal((await get('/api/nope')).status, 404)
    assert.equal((await get('/wp-login.php')).status, 404)
    const limited = await get('/api/nope')
    assert.equal(limited.status, 429)
    assert.equal(limited.body.success, false)
    assert.equal((await get('/api/auth/me')).status, 429, 'the same quota as known routes')
    assert.equal((await get('/pool')).status, 200, 'the console page itself is not an API request')
  })

  test('requests to routes that do not exist count against the same quota as any other', async (t) => {
    const app = await buildTestApp(t, { RATE_LIMIT_MAX_REQUESTS: '3' })
    const probe = (url: string) =>
      call(app, { method: 'POST', url, remoteAddress: '203.0.113.9', payload: { a: 1 } })
    assert.equal((await probe('/api/nope')).status, 404)
    assert.equal((await probe('/wp-login.php')).status, 404)
    const known = await call(app, {
      method: 'GET',
      url: '/api/auth/me',
      remoteAddress: '203.0.113.9',
    })
    assert.equal(known.status, 401)
    const limited = await probe('/api/nope-again')
    assert.equal(limited.status, 429)
    assert.equal(limited.body.success, false)
    assert.ok(Number(limited.response.headers['retry-after']) > 0)
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', remoteAddress: '203.0.113.9' }))
        .status,
      429,
      'and the quota they used up is the one known routes use',
    )
    assert.equal((await probe('/api/nope')).status, 429)
    const elsewhere = await call(app, {
      method: 'POST',
      url: '/api/nope',
      remoteAddress: '198.51.100.4',
    })
    assert.equal(elsewhere.status, 404, 'another address has its own quota')
  })
})
