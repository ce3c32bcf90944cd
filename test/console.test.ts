import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, call } from './support/app.js'

const INDEX =
  '<!doctype html><title>CRM console</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>'

/** A stand-in for web/dist: what Vite writes, in miniature. */
function fakeConsoleBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-console-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), INDEX)
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("console")')
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(dir, 'form.html'), FORM)
  writeFileSync(join(dir, 'form.html.gz'), gzipSync(FORM))
  writeFileSync(join(dir, 'embed.js'), '/* embed */')
  return dir
}

const FORM = '<!doctype html><title>Send us an enquiry</title>'

describe('the web console', () => {
  let app: FastifyInstance
  let dir: string
  before(async () => {
    dir = fakeConsoleBuild()
    app = await buildTestApp(undefined, {
      CONSOLE_DIR: dir,
      FORM_EMBED_ORIGINS: 'https://www.example.edu, https://apply.example.org/',
      FORM_COURSES: 'Web Development, Data Science',
    })
  })
  after(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('deep links such as /enquiries/<id>, /pool and /login open the console, never cached', async () => {
    for (const url of ['/', '/login', '/pool', '/enquiries/6542abc123def456789abcde?tab=notes']) {
      const { status, response } = await call(app, { method: 'GET', url })
      assert.equal(status, 200, url)
      assert.equal(response.body, INDEX, url)
      assert.match(String(response.headers['content-type']), /^text\/html/, url)
      assert.equal(response.headers['cache-control'], 'no-cache', url)
    }
  })

  test('hashed assets are cached for a year; other files are revalidated', async () => {
    const asset = await call(app, { method: 'GET', url: '/assets/index-Ab12Cd34.js' })
    assert.equal(asset.status, 200)
    assert.match(String(asset.response.headers['content-type']), /javascript/)
    assert.equal(asset.response.headers['cache-control'], 'public, max-age=31536000, immutable')
    const icon = await call(app, { method: 'GET', url: '/favicon.svg' })
    assert.equal(icon.status, 200)
    assert.equal(icon.response.headers['cache-control'], 'no-cache')
  })

  test('console pages get their own policy: same-origin scripts, styles and calls, no framing', async () => {
    const { response } = await call(app, { method: 'GET', url: '/pool' })
    const policy = String(response.headers['content-security-policy'])
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
    ]) {
      assert.ok(policy.includes(directive), `${directive} in ${policy}`)
    }
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:/)
    assert.equal(response.headers['x-frame-options'], 'DENY')
  })

  test('the API keeps its JSON 404 and its strict policy', async () => {
    for (const url of ['/api/nowhere', '/api', '/api/enquiries/x/y/z']) {
      const { status, body, response } = await call(app, { method: 'GET', url })
      assert.equal(status, 404, url)
      assert.equal(body.success, false, url)
      assert.match(String(response.headers['content-security-policy']), /default-src 'none'/)
    }
    const health = await call(app, { method: 'GET', url: '/health' })
    assert.deepEqual(health.body, { status: 'ok' })
    const docs = await call(app, { method: 'GET', url: '/api/openapi.json' })
    assert.equal(docs.status, 200)
  })

  test('the public form may be framed by the configured sites only, and lists the configured courses', async () => {
    const { status, response } = await call(app, { method: 'GET', url: '/form' })
    assert.equal(status, 200)
    assert.equal(response.body, FORM)
    const policy = String(response.headers['content-security-policy'])
    assert.match(
      policy,
      /frame-ancestors 'self' https:\/\/www\.example\.edu https:\/\/apply\.example\.org(;|$)/,
    )
    assert.match(policy, /script-src 'self'/)
    assert.equal(response.headers['x-frame-options'], undefined)
    const config = await call(app, { method: 'GET', url: '/form/config.json' })
    assert.deepEqual(config.body, {
      courses: ['Web Development', 'Data Science'],
      privacyNotice: null,
    })
    // The console itself still refuses every frame.
    const pool = await call(app, { method: 'GET', url: '/pool' })
    assert.equal(pool.response.headers['x-frame-options'], 'DENY')
  })

  test('with a privacy notice configured, the form is told where it is, its version and whether consent is required', async (t) => {
    const withNotice = await buildTestApp(t, {
      CONSOLE_DIR: dir,
      PRIVACY_NOTICE_URL: 'https://www.example.edu/privacy',
      PRIVACY_NOTICE_VERSION: '2025-01',
      REQUIRE_PRIVACY_CONSENT: 'true',
    })
    const config = await call(withNotice, { method: 'GET', url: '/form/config.json' })
    assert.deepEqual(config.body, {
      courses: [],
      privacyNotice: { url: 'https://www.example.edu/privacy', version: '2025-01', required: true },
    })
  })

  test('a compressed copy, when the browser takes it, carries the same headers', async () => {
    const { response } = await call(app, {
      method: 'GET',
      url: '/form',
      headers: { 'accept-encoding': 'gzip' },
    })
    assert.equal(response.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(response.rawPayload).toString(), FORM)
    assert.match(
      String(response.headers['content-security-policy']),
      /frame-ancestors 'self' https/,
    )
    assert.equal(response.headers['x-frame-options'], undefined)
  })

  test('/embed.js may be loaded by other sites', async () => {
    const { status, response } = await call(app, { method: 'GET', url: '/embed.js' })
    assert.equal(status, 200)
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin')
    const asset = await call(app, { method: 'GET', url: '/assets/index-Ab12Cd34.js' })
    assert.equal(asset.response.headers['cross-origin-resource-policy'], 'same-origin')
  })

  test('a missing file is a 404, not the console page', async () => {
    const { status, body } = await call(app, { method: 'GET', url: '/assets/index-Gone0000.js' })
    assert.equal(status, 404)
    assert.equal(body.success, false)
  })

  test('only GET opens the console: other methods on a page address stay 404', async () => {
    const { status } = await call(app, { method: 'POST', url: '/pool', payload: {} })
    assert.equal(status, 404)
  })
})

describe('with the metrics endpoint turned off', () => {
  test('/metrics stays a 404, not a console page', async (t) => {
    const dir = fakeConsoleBuild()
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const app = await buildTestApp(t, { CONSOLE_DIR: dir, METRICS_ENABLED: 'false' })
    for (const url of ['/metrics', '/health/deep', '/ready/x']) {
      const { status, body } = await call(app, { method: 'GET', url })
      assert.equal(status, 404, url)
      assert.equal(body.success, false, url)
    }
  })
})

describe('without a console build', () => {
  test('the API works and / is the JSON 404', async (t) => {
    const app = await buildTestApp(t, { CONSOLE_DIR: join(tmpdir(), 'no-console-here') })
    const root = await call(app, { method: 'GET', url: '/' })
    assert.equal(root.status, 404)
    const submit = await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: {
        name: 'Alice Smith',
        email: 'alice@example.com',
        phone: '1234567890',
        courseInterest: 'Web Development',
      },
    })
    assert.equal(submit.status, 201)
  })
})
