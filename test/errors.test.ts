import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { employees } from '../src/db/schema/index.js'
import { buildTestApp, call, uniqueEmail } from './support/app.js'

describe('the error format, on every route', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp(undefined, {
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      LOG_LEVEL: 'silent',
    })
  })
  after(() => app.close())

  test('an unknown route is a 404 in the error format', async () => {
    const { status, body } = await call(app, { method: 'GET', url: '/api/nowhere?x=1' })
    assert.equal(status, 404)
    assert.deepEqual(body, {
      success: false,
      message: 'Route GET /api/nowhere not found',
      code: 'ROUTE_NOT_FOUND',
    })
  })

  test('invalid JSON is a 400 in the error format', async () => {
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    })
    assert.equal(status, 400)
    assert.deepEqual(body, {
      success: false,
      message: 'Request body is not valid JSON',
      code: 'INVALID_JSON',
    })
  })

  test('a body that is not JSON is a 415', async () => {
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a@b.c',
    })
    assert.equal(status, 415)
    assert.equal(body.code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('a body over 100 KB is a 413 and stores nothing', async () => {
    const email = uniqueEmail('huge')
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/auth/register',
      payload: { name: 'x'.repeat(101 * 1024), email, password: 'password123' },
    })
    assert.equal(status, 413)
    assert.equal(body.code, 'BODY_TOO_LARGE')
    const all = await app.db.select().from(employees)
    assert.ok(!all.some((row) => row.email === email))
  })

  test('in production a failure says "Server Error" and nothing else: no SQL, no stack', async (t) => {
    const failing = await buildTestApp(t, {
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      LOG_LEVEL: 'silent',
    })
    // Break the database under the app: every query now fails with a PostgreSQL error.
    await failing.db.execute('DROP TABLE employees CASCADE')
    const { status, body, response } = await call(failing, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: uniqueEmail(), password: 'password123' },
    })
    assert.equal(status, 500)
    assert.deepEqual(body, { success: false, message: 'Server Error', code: 'INTERNAL_ERROR' })
    assert.ok(!/select|employees|at |\.ts|drizzle|postgres/i.test(response.body))
  })
})
