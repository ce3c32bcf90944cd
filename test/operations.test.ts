import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { buildApp } from '../src/app.js'
import { createPglite, wrapPglite } from '../src/db/client.js'
import {
  buildAppWithCapturedLogs,
  buildTestApp,
  call,
  createEmployee,
  testConfig,
} from './support/app.js'
import { claim, submitEnquiry } from './support/enquiries.js'

/** An app whose log lines are collected as parsed JSON (closed by each test). */
const appWithCapturedLogs = (env: Record<string, string> = {}) =>
  buildAppWithCapturedLogs(undefined, env)

describe('GET /health and GET /ready', () => {
  test('health answers while the process runs; ready checks the database and the job queue', async (t) => {
    const app = await buildTestApp(t)
    assert.deepEqual((await call(app, { method: 'GET', url: '/health' })).body, { status: 'ok' })
    const ready = await call(app, { method: 'GET', url: '/ready' })
    assert.equal(ready.status, 200)
    assert.deepEqual(ready.body, {
      status: 'ok',
      checks: { database: 'ok', jobQueue: 'ok' },
      jobs: { waiting: 0, scheduled: 0, failed: 0 },
    })
  })

  test('ready is a 503 naming the database when it does not answer; health stays 200', async (t) => {
    const client = await createPglite()
    const database = wrapPglite(client)
    const app = await buildApp(testConfig(), { database: { ...database, close: async () => {} } })
    t.after(() => app.close())
    await client.close()
    const ready = await call(app, { method: 'GET', url: '/ready' })
    assert.equal(ready.status, 503)
    assert.deepEqual(ready.body, {
      status: 'unavailable',
      checks: { database: 'error', jobQueue: 'error' },
    })
    assert.equal((await call(app, { method: 'GET', url: '/health' })).status, 200)
  })

  test('ready is a 503 naming Redis when Redis is configured but unreachable', async (t) => {
    const app = await buildTestApp(t, { REDIS_URL: 'redis://127.0.0.1:1' })
    const ready = await call(app, { method: 'GET', url: '/ready' })
    assert.equal(ready.status, 503)
    assert.deepEqual(ready.body, {
      status: 'unavailable',
      checks: { database: 'ok', redis: 'error', jobQueue: 'ok' },
      jobs: { waiting: 0, scheduled: 0, failed: 0 },
    })
  })

  test('probes are never rate limited', async (t) => {
    const app = await buildTestApp(t, { RATE_LIMIT_MAX_REQUESTS: '1' })
    for (let i = 0; i < 5; i++) {
      assert.equal((await call(app, { method: 'GET', url: '/health' })).status, 200)
      assert.equal((await call(app, { method: 'GET', url: '/ready' })).status, 200)
      assert.equal((await call(app, { method: 'GET', url: '/metrics' })).response.statusCode, 200)
    }
  })
})

describe('GET /metrics', () => {
  test('Prometheus text with requests by route pattern and status, process metrics and business counters', async (t) => {
    const app = await buildTestApp(t)
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    await submitEnquiry(app) // a second, new lead
    await claim(app, id, counselor.token)
    await claim(app, id, counselor.token) // 409: not counted as a claim
    const { response } = await call(app, { method: 'GET', url: '/metrics' })
    assert.equal(response.statusCode, 200)
    assert.match(String(response.headers['content-type']), /^text\/plain/)
    const text = response.body
    assert.match(text, /^crm_enquiries_created_total 2$/m)
    assert.match(text, /^crm_enquiries_claimed_total 1$/m)
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="POST",route="\/api\/enquiries\/:id\/claim",status_code="200"\} 1/,
    )
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="POST",route="\/api\/enquiries\/:id\/claim",status_code="409"\} 1/,
    )
    assert.ok(!text.includes(id), 'raw URLs (with ids) never become labels')
    assert.match(text, /^process_cpu_user_seconds_total /m)
    assert.match(text, /^nodejs_eventloop_lag_seconds /m)
  })

  test('METRICS_ENABLED=false turns it off', async (t) => {
    const app = await buildTestApp(t, { METRICS_ENABLED: 'false' })
    assert.equal((await call(app, { method: 'GET', url: '/metrics' })).status, 404)
  })
})

describe('logs', () => {
  test('every request line carries a request id, returned in X-Request-Id; a valid incoming one is kept', async (t) => {
    const { app, lines } = await appWithCapturedLogs()
    t.after(() => app.close())
    const generated = await call(app, { method: 'GET', url: '/api/auth/me' })
    const generatedId = String(generated.response.headers['x-request-id'])
    assert.match(generatedId, /^[0-9a-f-]{36}$/)
    const kept = await call(app, {
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'x-request-id': 'edge-1234.abc' },
    })
    assert.equal(kept.response.headers['x-request-id'], 'edge-1234.abc')
    const replaced = await call(app, {
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'x-request-id': 'bad id\r\nwith spaces' },
    })
    assert.notEqual(replaced.response.headers['x-request-id'], 'bad id\r\nwith spaces')
    const requestLines = lines.filter(
      (line) => line.msg === 'incoming request' || line.msg === 'request completed',
    )
    assert.ok(requestLines.length >= 6)
    assert.ok(requestLines.every((line) => typeof line.reqId === 'string'))
    assert.ok(requestLines.some((line) => line.reqId === 'edge-1234.abc'))
    assert.ok(requestLines.some((line) => line.reqId === generatedId))
  })

  test('passwords and tokens appear nowhere in the log, even when logged on purpose', async (t) => {
    const { app, raw } = await appWithCapturedLogs({ LOG_LEVEL: 'trace' })
    t.after(() => app.close())
    const employee = await createEmployee(app, { password: 'very-secret-password-42' })
    const login = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: employee.email, password: 'very-secret-password-42' },
    })
    const token = (login.body.data as { token: string }).token
    await call(app, { method: 'GET', url: '/api/auth/me', token })
    await call(app, {
      method: 'PUT',
      url: '/api/auth/password',
      token,
      payload: {
        currentPassword: 'very-secret-password-42',
        newPassword: 'another-secret-password-43',
      },
    })
    app.log.info(
      {
        body: { password: 'very-secret-password-42', token },
        req: { headers: { authorization: `Bearer ${token}` } },
      },
      'careless',
    )
    const log = raw()
    assert.ok(log.includes('careless'))
    for (const secret of ['very-secret-password-42', 'another-secret-password-43', token]) {
      assert.ok(!log.includes(secret), `found ${secret.slice(0, 12)}… in the log`)
    }
  })

  test('probes are not logged at info', async (t) => {
    const { app, lines } = await appWithCapturedLogs()
    t.after(() => app.close())
    await call(app, { method: 'GET', url: '/health' })
    await call(app, { method: 'GET', url: '/ready' })
    await call(app, { method: 'GET', url: '/metrics' })
    await call(app, { method: 'GET', url: '/api/auth/me' })
    const urls = lines
      .map((line) => (line.req as { url?: string } | undefined)?.url)
      .filter(Boolean)
    assert.deepEqual([...new Set(urls)], ['/api/auth/me'])
  })
})

describe('API documentation', () => {
  test('GET /api/openapi.json is a valid OpenAPI 3.1 document covering every route', async (t) => {
    const app = await buildTestApp(t)
    const { response } = await call(app, { method: 'GET', url: '/api/openapi.json' })
    assert.equal(response.statusCode, 200)
    const document = JSON.parse(response.body) as {
      openapi: string
      paths: Record<
        string,
        Record<string, { security?: unknown; responses: Record<string, unknown> }>
      >
      components: { securitySchemes: Record<string, unknown> }
    }
    const result = await new Validator().validate(document)
    assert.equal(result.valid, true, JSON.stringify(result.errors))
    assert.match(document.openapi, /^3\.1/)
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    })
    const expected: Record<string, string[]> = {
      '/api/auth/register': ['post'],
      '/api/auth/login': ['post'],
      '/api/auth/me': ['get', 'patch'],
      '/api/auth/password': ['put'],
      '/api/enquiries': ['get', 'post'],
      '/api/enquiries/unclaimed': ['get'],
      '/api/enquiries/my-enquiries': ['get'],
      '/api/enquiries/export': ['get'],
      '/api/enquiries/{id}': ['get'],
      '/api/enquiries/{id}/claim': ['post'],
      '/api/enquiries/{id}/status': ['put'],
      '/api/enquiries/{id}/notes': ['post'],
      '/api/enquiries/{id}/release': ['post'],
      '/api/enquiries/{id}/assign': ['post'],
      '/api/employees': ['get'],
      '/api/employees/{id}': ['get', 'patch'],
      '/api/routing-rules': ['get', 'post'],
      '/api/routing-rules/{id}': ['get', 'patch', 'delete'],
      '/api/settings/sla': ['get', 'put'],
      '/api/enquiries/follow-ups': ['get'],
      '/api/enquiries/{id}/follow-up': ['put', 'delete'],
      '/api/stats': ['get'],
      '/api/events': ['get'],
      '/api/audit': ['get'],
      '/api/privacy/subject': ['get'],
      '/api/privacy/erase': ['post'],
      '/api/webhooks': ['get', 'post'],
      '/api/webhooks/{id}': ['get', 'patch', 'delete'],
      '/api/webhooks/{id}/rotate-secret': ['post'],
      '/api/webhooks/{id}/deliveries': ['get'],
      '/api/webhooks/{id}/deliveries/{deliveryId}/retry': ['post'],
      '/api/webhooks/{id}/test': ['post'],
      '/health': ['get'],
      '/ready': ['get'],
    }
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const operation = document.paths[path]?.[method]
        assert.ok(operation, `${method.toUpperCase()} ${path} is documented`)
      }
    }
    assert.deepEqual(
      Object.keys(document.paths).sort(),
      Object.keys(expected).sort(),
      'paths are listed as they are called, without a trailing slash',
    )
    const claimOperation = document.paths['/api/enquiries/{id}/claim']?.post
    assert.deepEqual(claimOperation?.security, [{ bearerAuth: [] }])
    assert.ok(claimOperation?.responses['409'], 'error responses are documented')
    assert.ok(
      response.body.includes('John Doe') && response.body.includes('Web Development'),
      'seed examples',
    )
  })

  test('every rate-limited operation documents 429, and every one taking a body 400, 413 and 415', async (t) => {
    const app = await buildTestApp(t)
    const document = (await call(app, { method: 'GET', url: '/api/openapi.json' })).body as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: object }>>
    }
    const probes = ['/health', '/ready']
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = Object.keys(operation.responses)
        const name = `${method.toUpperCase()} ${path}`
        assert.equal(codes.includes('429'), !probes.includes(path), name)
        if (operation.requestBody) {
          for (const code of ['400', '413', '415'])
            assert.ok(codes.includes(code), `${name} ${code}`)
        }
      }
    }
    const submit = document.paths['/api/enquiries']?.post
    assert.ok(submit?.requestBody, 'the public form documents its body')
  })

  test('GET /api/docs serves interactive documentation', async (t) => {
    const app = await buildTestApp(t)
    const page = await app.inject({ method: 'GET', url: '/api/docs/' })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /swagger-ui/i)
  })
})
