import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { createPostgresDatabase, TEST_DATABASE_URL } from '../support/database.js'
import { request as requestOver, type ServerProcess, startServer } from '../support/server.js'

/**
 * Two real server processes on one PostgreSQL database and one Redis, as behind a load balancer.
 * Runs when both TEST_DATABASE_URL and TEST_REDIS_URL are set (the PostgreSQL pass of CI).
 */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL

const request = (
  server: ServerProcess,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown } = {},
) => requestOver<{ data?: Record<string, unknown> }>(server.url, method, path, options)

// Read only inside suites that are skipped unless both are set.
const databaseServer = TEST_DATABASE_URL ?? ''
const redisUrl = TEST_REDIS_URL ?? ''

/** Skipped, with the reason, where the service is not configured. */
const needsPostgresAndRedis =
  databaseServer && redisUrl
    ? {}
    : { skip: 'needs PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL (CI does)' }

describe('two instances behind one load balancer', () => {
  test(
    'claims stay exactly-once, limits are shared, a deactivation is seen by both',
    needsPostgresAndRedis,
    async (t) => {
      const database = await createPostgresDatabase(databaseServer)
      t.after(() => database.drop())
      const env = {
        NODE_ENV: 'production',
        JWT_SECRET: 'two-instances-secret-two-instances-secret',
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: `e2e-${randomBytes(6).toString('hex')}:`,
        RATE_LIMIT_MAX_REQUESTS: '5',
        AUTH_RATE_LIMIT_MAX: '1000',
        ADMIN_EMAIL: 'lead@example.com',
        ADMIN_PASSWORD: 'lead-password-123',
        // The counselors register themselves, which production allows only when opted in.
        ALLOW_PUBLIC_REGISTRATION: 'true',
      }
      // Started together: both run the migrations and the admin bootstrap at once.
      const [a, b] = await Promise.all([startServer(env), startServer(env)])
      t.after(() => Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]))

      const tokens: string[] = []
      for (let i = 0; i < 20; i++) {
        const server = i % 2 ? a : b
        const registered = await request(server, 'POST', '/api/auth/register', {
          body: { name: `Counselor ${i}`, email: `c${i}@example.com`, password: 'password123' },
        })
        assert.equal(registered.status, 201)
        tokens.push(String(registered.body.data?.token))
      }
      const submitted = await request(a, 'POST', '/api/enquiries', {
        body: {
          name: 'Alice Smith',
          email: 'alice@example.com',
          phone: '1234567890',
          courseInterest: 'Web Development',
        },
      })
      const id = String(submitted.body.data?.id)

      const claims = await Promise.all(
        tokens.map((token, i) =>
          request(i % 2 ? a : b, 'POST', `/api/enquiries/${id}/claim`, { token }),
        ),
      )
      const statuses = claims.map((c) => c.status)
      assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses))
      assert.equal(statuses.filter((s) => s === 409).length, 19, String(statuses))

      // One anonymous client, alternating between the instances, gets one quota of 5.
      const anonymous: number[] = []
      for (let i = 0; i < 6; i++)
        anonymous.push((await request(i % 2 ? a : b, 'GET', '/api/auth/me')).status)
      assert.deepEqual(anonymous, [401, 401, 401, 401, 401, 429])

      // Deactivated through one instance, refused at once by the other.
      const login = await request(a, 'POST', '/api/auth/login', {
        body: { email: 'lead@example.com', password: 'lead-password-123' },
      })
      const adminToken = String(login.body.data?.token)
      const victim = tokens[0] ?? ''
      const me = await request(b, 'GET', '/api/auth/me', { token: victim })
      assert.equal(me.status, 200)
      const victimId = String((me.body.data?.employee as { id?: string } | undefined)?.id)
      assert.equal(
        (
          await request(a, 'PATCH', `/api/employees/${victimId}`, {
            token: adminToken,
            body: { isActive: false },
          })
        ).status,
        200,
      )
      assert.equal((await request(b, 'GET', '/api/auth/me', { token: victim })).status, 401)
    },
  )
})

describe('WEB_CONCURRENCY', () => {
  test(
    'runs that many workers on one port, and stops them all on SIGTERM',
    needsPostgresAndRedis,
    async (t) => {
      const database = await createPostgresDatabase(databaseServer)
      t.after(() => database.drop())
      const server = await startServer({ DATABASE_URL: database.url, WEB_CONCURRENCY: '2' })
      t.after(() => server.stop('SIGKILL'))
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${server.url}/ready`).then((r) => r.status)),
      )
      assert.deepEqual(new Set(statuses), new Set([200]))
      const workers = readFileSync(
        `/proc/${server.child.pid}/task/${server.child.pid}/children`,
        'utf8',
      )
        .trim()
        .split(/\s+/)
      assert.equal(workers.length, 2, `worker processes: ${workers.join(', ')}`)
      assert.equal(await server.stop('SIGTERM'), 0)
    },
  )
})
