import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildTestApp, call, createEmployee, uniqueEmail } from '../support/app.js'
import { startServer } from '../support/server.js'

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }
const METRICS_TOKEN = 'scraper-token-0123456789abcdef'

const register = (app: Awaited<ReturnType<typeof buildTestApp>>) =>
  call(app, {
    method: 'POST',
    url: '/api/auth/register',
    payload: { name: 'A Stranger', email: uniqueEmail('stranger'), password: 'password123' },
  })

describe('public registration', () => {
  test('in production a stranger cannot register unless ALLOW_PUBLIC_REGISTRATION=true', async (t) => {
    const closed = await buildTestApp(t, PRODUCTION)
    const refused = await register(closed)
    assert.equal(refused.status, 403)
    assert.equal(refused.body.code, 'REGISTRATION_CLOSED')
    const admin = await createEmployee(closed, { role: 'admin' })
    const byAdmin = await call(closed, {
      method: 'POST',
      url: '/api/auth/register',
      token: admin.token,
      payload: { name: 'New Counselor', email: uniqueEmail('new'), password: 'password123' },
    })
    assert.equal(byAdmin.status, 201, 'an admin still registers the team')

    const open = await buildTestApp(t, { ...PRODUCTION, ALLOW_PUBLIC_REGISTRATION: 'true' })
    assert.equal((await register(open)).status, 201)
  })

  test('in development it stays open, so the seed workflow runs locally unchanged', async (t) => {
    const app = await buildTestApp(t, { NODE_ENV: 'development' })
    assert.equal((await register(app)).status, 201)
  })

  test('a production server that opts in says so at start', async (t) => {
    const server = await startServer({
      ...PRODUCTION,
      DATABASE_URL: 'memory://',
      LOG_LEVEL: 'warn',
      ALLOW_PUBLIC_REGISTRATION: 'true',
    })
    t.after(() => server.stop())
    const deadline = Date.now() + 5000
    while (!server.output().includes('ALLOW_PUBLIC_REGISTRATION') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.match(server.output(), /ALLOW_PUBLIC_REGISTRATION=true in production/)
  })
})

describe('GET /metrics in production', () => {
  test('without METRICS_TOKEN it is not served at all', async (t) => {
    const app = await buildTestApp(t, PRODUCTION)
    const { status, response } = await call(app, { method: 'GET', url: '/metrics' })
    assert.equal(status, 404)
    assert.doesNotMatch(response.body, /nodejs_|process_/)
  })

  test('with METRICS_TOKEN it answers only that bearer token', async (t) => {
    const app = await buildTestApp(t, { ...PRODUCTION, METRICS_TOKEN })
    const anonymous = await call(app, { method: 'GET', url: '/metrics' })
    assert.equal(anonymous.status, 401)
    assert.doesNotMatch(anonymous.response.body, /nodejs_/)
    const wrong = await call(app, {
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
    })
    assert.equal(wrong.status, 401)
    const employee = await createEmployee(app, { role: 'admin' })
    assert.equal(
      (await call(app, { method: 'GET', url: '/metrics', token: employee.token })).status,
      401,
      'an employee token is not the metrics token',
    )
    const scraped = await call(app, {
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    })
    assert.equal(scraped.response.statusCode, 200)
    assert.match(scraped.response.body, /^nodejs_version_info/m)
  })
})

describe('API documentation', () => {
  test('the OpenAPI document and Swagger UI stay public but are rate limited', async (t) => {
    const app = await buildTestApp(t, { ...PRODUCTION, RATE_LIMIT_MAX_REQUESTS: '2' })
    const get = (url: string) => call(app, { method: 'GET', url, remoteAddress: '203.0.113.5' })
    assert.equal((await get('/api/openapi.json')).status, 200)
    assert.equal((await get('/api/docs/')).response.statusCode, 200)
    assert.equal((await get('/api/openapi.json')).status, 429)
    assert.equal((await get('/api/docs/')).status, 429)
  })
})
