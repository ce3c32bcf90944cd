import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig, SETTING_NAMES } from '../src/config.js'

const noDotEnv = undefined

describe('configuration', () => {
  test('with nothing set, the documented defaults apply', () => {
    const config = loadConfig({}, noDotEnv)
    assert.equal(config.port, 5000)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.env, 'development')
    assert.deepEqual(config.database, { kind: 'pglite', dataDir: './data/crm' })
    assert.equal(config.jwt.expiresInSeconds, 7 * 86400)
    assert.equal(config.jwt.secretIsEphemeral, true)
    assert.ok(config.jwt.secret.length >= 32)
    assert.equal(config.allowPublicRegistration, true)
    assert.equal(config.admin, undefined)
    assert.equal(config.logLevel, 'info')
    assert.deepEqual(config.privacy, {
      noticeUrl: undefined,
      noticeVersion: undefined,
      consentRequired: false,
      retentionClosedDays: undefined,
    })
    assert.deepEqual(config.jobs, {
      pollIntervalSeconds: 1,
      statsIntervalSeconds: 30,
      backgroundWaitMs: 5000,
    })
  })

  test('the database URL selects PostgreSQL, an embedded directory or memory', () => {
    for (const url of ['postgres://u@h/db', 'postgresql://u@h:5432/db']) {
      assert.deepEqual(loadConfig({ DATABASE_URL: url }, noDotEnv).database, {
        kind: 'postgres',
        url,
      })
    }
    assert.deepEqual(loadConfig({ DATABASE_URL: 'pglite:///var/crm' }, noDotEnv).database, {
      kind: 'pglite',
      dataDir: '/var/crm',
    })
    assert.deepEqual(loadConfig({ DATABASE_URL: 'memory://' }, noDotEnv).database, {
      kind: 'pglite',
      dataDir: undefined,
    })
  })

  test('JWT_EXPIRE accepts days, hours, minutes, seconds and a plain number of seconds', () => {
    const cases = { '7d': 604800, '12h': 43200, '30m': 1800, '45s': 45, '3600': 3600 }
    for (const [value, seconds] of Object.entries(cases)) {
      assert.equal(loadConfig({ JWT_EXPIRE: value }, noDotEnv).jwt.expiresInSeconds, seconds)
    }
  })

  test('an invalid value stops the start with one line naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /^Invalid configuration: PORT /],
      [{ PORT: '70000' }, /^Invalid configuration: PORT /],
      [{ DATABASE_URL: 'mysql://localhost/crm' }, /^Invalid configuration: DATABASE_URL /],
      [{ JWT_EXPIRE: 'soon' }, /^Invalid configuration: JWT_EXPIRE /],
      [{ NODE_ENV: 'staging' }, /^Invalid configuration: NODE_ENV /],
      [
        { ALLOW_PUBLIC_REGISTRATION: 'maybe' },
        /^Invalid configuration: ALLOW_PUBLIC_REGISTRATION /,
      ],
      [
        { ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'password123' },
        /^Invalid configuration: ADMIN_EMAIL /,
      ],
      [{ ADMIN_EMAIL: 'boss@example.com' }, /ADMIN_EMAIL and ADMIN_PASSWORD/],
      [{ LOGIN_ACCOUNT_MAX_FAILURES: '0' }, /^Invalid configuration: LOGIN_ACCOUNT_MAX_FAILURES /],
      [{ PRIVACY_NOTICE_URL: 'www.example.edu/privacy' }, /PRIVACY_NOTICE_URL must be an http/],
      [{ REQUIRE_PRIVACY_CONSENT: 'maybe' }, /^Invalid configuration: REQUIRE_PRIVACY_CONSENT /],
      [
        { REQUIRE_PRIVACY_CONSENT: 'true', PRIVACY_NOTICE_URL: 'https://example.edu/privacy' },
        /REQUIRE_PRIVACY_CONSENT=true needs PRIVACY_NOTICE_URL and PRIVACY_NOTICE_VERSION/,
      ],
    ]
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env, noDotEnv),
        (error: unknown) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes('\n'),
        JSON.stringify(env),
      )
    }
  })

  test('production requires a JWT_SECRET of at least 32 characters', () => {
    for (const JWT_SECRET of [undefined, 'short-secret']) {
      assert.throws(
        () =>
          loadConfig({ NODE_ENV: 'production', ...(JWT_SECRET ? { JWT_SECRET } : {}) }, noDotEnv),
        /JWT_SECRET/,
      )
    }
    const secret = 'x'.repeat(32)
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }, noDotEnv)
    assert.equal(config.jwt.secret, secret)
    assert.equal(config.jwt.secretIsEphemeral, false)
  })

  test('development without JWT_SECRET gets a random secret per process', () => {
    assert.notEqual(loadConfig({}, noDotEnv).jwt.secret, loadConfig({}, noDotEnv).jwt.secret)
  })

  test('a .env file is read, and real environment variables win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-env-'))
    const path = join(dir, '.env')
    writeFileSync(path, 'PORT=6000\nJWT_EXPIRE=12h\n# a comment\nLOG_LEVEL=debug\nHOST=\n')
    const config = loadConfig({ PORT: '7000' }, path)
    assert.equal(config.port, 7000)
    assert.equal(config.jwt.expiresInSeconds, 43200)
    assert.equal(config.logLevel, 'debug')
    assert.equal(config.host, '0.0.0.0', 'an empty value counts as unset')
  })

  test('ADMIN_* configure the first admin, with a default name', () => {
    const config = loadConfig(
      { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'password123' },
      noDotEnv,
    )
    assert.deepEqual(config.admin, {
      email: 'boss@example.com',
      password: 'password123',
      name: 'Administrator',
    })
  })

  test('several worker processes need PostgreSQL: the embedded database takes one process', () => {
    assert.throws(
      () => loadConfig({ WEB_CONCURRENCY: '2' }, noDotEnv),
      /WEB_CONCURRENCY above 1 needs DATABASE_URL/,
    )
    const config = loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://u@h/db' }, noDotEnv)
    assert.equal(config.webConcurrency, 4)
    assert.equal(loadConfig({}, noDotEnv).shutdownTimeoutMs, 10000)
    assert.equal(loadConfig({}, noDotEnv).metricsEnabled, true)
  })

  test('login lockout: 5 failures per account and address, 100 per account, in 15 minutes', () => {
    assert.deepEqual(loadConfig({}, noDotEnv).loginLockout, {
      maxFailures: 5,
      accountMaxFailures: 100,
      windowMs: 900_000,
    })
    const config = loadConfig(
      {
        LOGIN_MAX_FAILURES: '10',
        LOGIN_ACCOUNT_MAX_FAILURES: '500',
        LOGIN_FAILURE_WINDOW_MS: '60000',
      },
      noDotEnv,
    )
    assert.deepEqual(config.loginLockout, {
      maxFailures: 10,
      accountMaxFailures: 500,
      windowMs: 60_000,
    })
  })

  test('tests log nothing unless asked', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }, noDotEnv).logLevel, 'silent')
  })

  test('public registration is on in development and test, off in production unless opted in', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }
    assert.equal(loadConfig({}, noDotEnv).allowPublicRegistration, true)
    assert.equal(loadConfig({ NODE_ENV: 'test' }, noDotEnv).allowPublicRegistration, true)
    const closed = loadConfig(production, noDotEnv)
    assert.equal(closed.allowPublicRegistration, false)
    assert.equal(closed.publicRegistrationOptedIn, false)
    const opened = loadConfig({ ...production, ALLOW_PUBLIC_REGISTRATION: 'true' }, noDotEnv)
    assert.equal(opened.allowPublicRegistration, true)
    assert.equal(opened.publicRegistrationOptedIn, true)
    assert.equal(
      loadConfig({ ALLOW_PUBLIC_REGISTRATION: 'false' }, noDotEnv).allowPublicRegistration,
      false,
    )
  })

  test('request timeouts default to 30 s for a whole request and 10 s for its headers', () => {
    const config = loadConfig({}, noDotEnv)
    assert.equal(config.requestTimeoutMs, 30_000)
    assert.equal(config.headersTimeoutMs, 10_000)
    assert.throws(
      () => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' }, noDotEnv),
      /HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS/,
    )
    assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }, noDotEnv), /REQUEST_TIMEOUT_MS/)
  })

  test('METRICS_TOKEN is unset by default and must be too long to guess', () => {
    assert.equal(loadConfig({}, noDotEnv).metricsToken, undefined)
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }, noDotEnv), /METRICS_TOKEN/)
    assert.equal(
      loadConfig({ METRICS_TOKEN: 'x'.repeat(32) }, noDotEnv).metricsToken,
      'x'.repeat(32),
    )
  })

  test('docs/configuration.md and .env.example list every setting', () => {
    const root = join(import.meta.dirname, '..')
    const docs = readFileSync(join(root, 'docs/configuration.md'), 'utf8')
    const start = docs.indexOf('Every setting, with its default')
    assert.ok(start >= 0, 'docs/configuration.md has its settings table')
    const table = docs.slice(start, docs.indexOf('\n#', start))
    const example = readFileSync(join(root, '.env.example'), 'utf8')
    for (const name of SETTING_NAMES) {
      assert.match(table, new RegExp(`\\| [^|]*\`${name}\`[^|]*\\|`), `the table lists ${name}`)
      assert.match(example, new RegExp(`^${name}=`, 'm'), `.env.example lists ${name}`)
    }
  })
})
