import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { call, createEmployee, testConfig } from '../support/app.js'
import { sharedDatabase } from '../support/database.js'
import { freePort } from '../support/server.js'

/**
 * State shared between instances through Redis. Runs when TEST_REDIS_URL names a Redis server
 * (CI sets it); the outage test starts a redis-server of its own so that it can stop it.
 */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL

const me = (app: FastifyInstance, ip = '203.0.113.1') =>
  call(app, { method: 'GET', url: '/api/auth/me', remoteAddress: ip })

/** Two app instances on one database and one Redis, as behind a load balancer. */
async function twoInstances(
  t: { after: (fn: () => Promise<void>) => void },
  env: Record<string, string>,
) {
  const shared = await sharedDatabase()
  const settings = {
    REDIS_URL: TEST_REDIS_URL ?? '',
    REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
    ...env,
  }
  const a = await buildApp(testConfig(settings), { database: await shared.open() })
  const b = await buildApp(testConfig(settings), { database: await shared.open() })
  t.after(async () => {
    await Promise.all([a.close(), b.close()])
    await shared.dispose()
  })
  await Promise.all([a.ready(), b.ready()])
  return [a, b] as const
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  const deadline = Date.now() + 10_000
  while (!output.includes('Ready to accept connections')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`redis-server did not start: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return child
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Skipped, with the reason, where the service is not configured. */
const needsRedis = TEST_REDIS_URL
  ? {}
  : { skip: 'needs a Redis server: set TEST_REDIS_URL (CI does)' }

describe('with REDIS_URL, instances share their limits', () => {
  test('two instances count one rate limit together', needsRedis, async (t) => {
    const [a, b] = await twoInstances(t, { RATE_LIMIT_MAX_REQUESTS: '3' })
    assert.equal((await me(a)).status, 401)
    assert.equal((await me(b)).status, 401)
    assert.equal((await me(a)).status, 401)
    assert.equal((await me(b)).status, 429)
    assert.equal((await me(a)).status, 429)
  })

  test(
    'failed logins from one address on one instance lock that address on the other, not the account',
    needsRedis,
    async (t) => {
      const [a, b] = await twoInstances(t, { LOGIN_MAX_FAILURES: '2' })
      const employee = await createEmployee(a)
      const logIn = (app: FastifyInstance, password: string, from = '203.0.113.66') =>
        call(app, {
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: from,
          payload: { email: employee.email, password },
        })
      assert.equal((await logIn(a, 'wrong-password')).status, 401)
      assert.equal((await logIn(b, 'wrong-password')).status, 401)
      assert.equal((await logIn(a, employee.password)).status, 429)
      assert.equal((await logIn(b, employee.password)).status, 429)
      assert.equal((await logIn(b, employee.password, '198.51.100.7')).status, 200)

      // The counts live under REDIS_KEY_PREFIX, per (account, address) pair and per account; the
      // owner's success cleared their own pair.
      const keys = await a.redis?.keys(`*login-failures:*${employee.email}*`)
      assert.deepEqual(keys?.map((key) => key.replace(/^test-[0-9a-f]{12}:/, '')).sort(), [
        `login-failures:account:${employee.email}`,
        `login-failures:pair:${employee.email}|203.0.113.66`,
      ])
    },
  )

  test(
    'the account-wide ceiling is counted across instances and spares a clean address',
    needsRedis,
    async (t) => {
      const [a, b] = await twoInstances(t, {
        LOGIN_MAX_FAILURES: '3',
        LOGIN_ACCOUNT_MAX_FAILURES: '2',
      })
      const employee = await createEmployee(a)
      const logIn = (app: FastifyInstance, password: string, from: string) =>
        call(app, {
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: from,
          payload: { email: employee.email, password },
        })
      assert.equal((await logIn(a, 'wrong-password', '203.0.113.1')).status, 401)
      assert.equal((await logIn(b, 'wrong-password', '203.0.113.2')).status, 401)
      assert.equal((await logIn(a, employee.password, '203.0.113.2')).status, 429)
      assert.equal((await logIn(b, employee.password, '198.51.100.7')).status, 200)
    },
  )

  test(
    'wrong current passwords on one instance lock that address on the other',
    needsRedis,
    async (t) => {
      const [a, b] = await twoInstances(t, { LOGIN_MAX_FAILURES: '2' })
      const employee = await createEmployee(a)
      const change = (app: FastifyInstance, currentPassword: string) =>
        call(app, {
          method: 'PUT',
          url: '/api/auth/password',
          token: employee.token,
          remoteAddress: '203.0.113.66',
          payload: { currentPassword, newPassword: 'taken over at last' },
        })
      assert.equal((await change(a, 'first guess')).status, 400)
      assert.equal((await change(b, 'second guess')).status, 400)
      assert.equal((await change(a, employee.password)).status, 429)
    },
  )
})

describe('when Redis goes away', () => {
  test(
    'the API keeps serving without limits, and limits return with Redis',
    needsRedis,
    async (t) => {
      const port = await freePort()
      let redis = await startRedis(port)
      t.after(() => {
        redis.kill('SIGKILL')
      })
      const shared = await sharedDatabase()
      const app = await buildApp(
        testConfig({
          REDIS_URL: `redis://127.0.0.1:${port}`,
          RATE_LIMIT_MAX_REQUESTS: '3',
          LOGIN_MAX_FAILURES: '100',
        }),
        { database: await shared.open() },
      )
      t.after(async () => {
        await app.close()
        await shared.dispose()
      })
      const employee = await createEmployee(app)
      for (let i = 0; i < 3; i++) assert.equal((await me(app)).status, 401)
      assert.equal((await me(app)).status, 429)

      redis.kill('SIGKILL')
      await once(redis, 'exit')
      const started = Date.now()
      for (let i = 0; i < 5; i++)
        assert.equal((await me(app)).status, 401, 'served, not limited and not failed')
      const login = await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.9',
        payload: { email: employee.email, password: employee.password },
      })
      assert.equal(login.status, 200, 'logins work while Redis is down')
      assert.ok(Date.now() - started < 5000, 'requests do not wait for Redis')

      redis = await startRedis(port)
      // Once the client has reconnected, the (new, empty) Redis counts again.
      await eventually(async () => (await me(app, '203.0.113.50')).status === 429)
      assert.equal((await me(app, '203.0.113.50')).status, 429)
      assert.equal((await me(app, '203.0.113.51')).status, 401, 'other clients are unaffected')
    },
  )
})
