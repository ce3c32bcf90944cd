import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildTestApp, call } from '../support/app.js'

describe('security headers', () => {
  test('every response, errors included, carries the protective headers and no X-Powered-By', async (t) => {
    const app = await buildTestApp(t)
    const responses = [
      await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'x@example.com', password: 'p' },
      }),
      await call(app, { method: 'GET', url: '/api/nowhere' }),
      await call(app, { method: 'POST', url: '/api/enquiries', payload: {} }),
      await call(app, { method: 'GET', url: '/api/auth/me' }),
    ]
    assert.deepEqual(
      responses.map((r) => r.status),
      [401, 404, 400, 401],
    )
    for (const { response } of responses) {
      const headers = response.headers
      assert.equal(headers['x-content-type-options'], 'nosniff')
      assert.equal(headers['x-frame-options'], 'DENY')
      assert.match(String(headers['content-security-policy']), /default-src 'none'/)
      assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/)
      assert.equal(headers['x-powered-by'], undefined)
      assert.equal(headers['strict-transport-security'], undefined, 'no HSTS outside production')
    }
  })

  test('production adds Strict-Transport-Security', async (t) => {
    const app = await buildTestApp(t, {
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      LOG_LEVEL: 'silent',
    })
    const { response } = await call(app, { method: 'GET', url: '/api/nowhere' })
    assert.match(String(response.headers['strict-transport-security']), /max-age=31536000/)
  })
})

describe('CORS', () => {
  test('CORS_ORIGIN=* allows any origin', async (t) => {
    const app = await buildTestApp(t)
    const { response } = await call(app, {
      method: 'GET',
      url: '/api/nowhere',
      headers: { origin: 'https://anywhere.example' },
    })
    assert.equal(response.headers['access-control-allow-origin'], '*')
  })

  test('a list of origins echoes only a listed origin', async (t) => {
    const app = await buildTestApp(t, {
      CORS_ORIGIN: 'https://crm.example.com, https://admin.example.com',
    })
    const listed = await call(app, {
      method: 'GET',
      url: '/api/nowhere',
      headers: { origin: 'https://admin.example.com' },
    })
    assert.equal(
      listed.response.headers['access-control-allow-origin'],
      'https://admin.example.com',
    )
    const unlisted = await call(app, {
      method: 'GET',
      url: '/api/nowhere',
      headers: { origin: 'https://evil.example' },
    })
    assert.equal(unlisted.response.headers['access-control-allow-origin'], undefined)
  })

  test('a preflight is answered for the methods and headers the API uses', async (t) => {
    const app = await buildTestApp(t, { CORS_ORIGIN: 'https://crm.example.com' })
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/enquiries/aaaaaaaaaaaaaaaaaaaaaaaa/status',
      headers: {
        origin: 'https://crm.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type',
      },
    })
    assert.equal(response.statusCode, 204)
    assert.equal(response.headers['access-control-allow-origin'], 'https://crm.example.com')
    assert.match(String(response.headers['access-control-allow-methods']), /PUT/)
    assert.match(String(response.headers['access-control-allow-headers']), /Authorization/)
    assert.match(String(response.headers['access-control-allow-headers']), /Content-Type/)
  })
})
