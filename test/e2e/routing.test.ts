import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createPostgresDatabase, TEST_DATABASE_URL } from '../support/database.js'
import { request as requestOver, type ServerProcess, startServer } from '../support/server.js'

const request = (
  server: ServerProcess,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown } = {},
) => requestOver<{ data?: Record<string, unknown> }>(server.url, method, path, options)

// Two processes share a database only on PostgreSQL: an embedded one belongs to one process.
const databaseServer = TEST_DATABASE_URL ?? ''
const needsPostgres = databaseServer
  ? {}
  : {
      skip: 'needs PostgreSQL (two processes cannot share an embedded database): set TEST_DATABASE_URL',
    }

describe('routing with two server processes on one database', () => {
  test(
    '30 simultaneous submissions split over both give each of 3 counselors exactly 10',
    needsPostgres,
    async (t) => {
      const database = await createPostgresDatabase(databaseServer)
      t.after(() => database.drop())
      const env = {
        NODE_ENV: 'production',
        JWT_SECRET: 'routing-e2e-secret-routing-e2e-secret',
        DATABASE_URL: database.url,
        ENQUIRY_RATE_LIMIT_MAX: '1000',
        AUTH_RATE_LIMIT_MAX: '1000',
        ADMIN_EMAIL: 'router@example.com',
        ADMIN_PASSWORD: 'router-password-123',
      }
      const [a, b] = await Promise.all([startServer(env), startServer(env)])
      t.after(() => Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]))

      const login = await request(a, 'POST', '/api/auth/login', {
        body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      })
      const token = String(login.body.data?.token)
      const counselorIds: string[] = []
      for (let i = 0; i < 3; i++) {
        const registered = await request(a, 'POST', '/api/auth/register', {
          token,
          body: {
            name: `Counselor ${i}`,
            email: `router${i}@example.com`,
            password: 'password123',
          },
        })
        assert.equal(registered.status, 201)
        counselorIds.push(
          String((registered.body.data?.employee as { id?: string } | undefined)?.id),
        )
      }
      // Instance a reads the rules (none yet) and keeps them; the rule made on b must reach it.
      const early = await request(a, 'POST', '/api/enquiries', {
        body: {
          name: 'Early Student',
          email: 'early@example.com',
          phone: '5550999999',
          courseInterest: 'Web Development',
        },
      })
      assert.equal(early.status, 201)
      const rule = await request(b, 'POST', '/api/routing-rules', {
        token,
        body: { name: 'Everyone', position: 1, strategy: 'round_robin', counselorIds },
      })
      assert.equal(rule.status, 201)
      // The change reaches the other instance by the database's notification, after its commit.
      await new Promise((resolve) => setTimeout(resolve, 500))

      const submissions = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          request(i % 2 ? a : b, 'POST', '/api/enquiries', {
            body: {
              name: `Student ${i}`,
              email: `routed${i}@example.com`,
              phone: `555${String(1_000_000 + i)}`,
              courseInterest: 'Web Development',
            },
          }),
        ),
      )
      assert.deepEqual(
        submissions.map((s) => s.status),
        Array(30).fill(201),
      )
      const held = await Promise.all(
        counselorIds.map(async (id) => {
          const listed = await request(a, 'GET', `/api/enquiries?claimedBy=${id}&limit=100`, {
            token,
          })
          return (listed.body as { total?: number }).total
        }),
      )
      assert.deepEqual(held, [10, 10, 10])
    },
  )
})
