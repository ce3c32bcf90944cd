import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { TestContext } from 'node:test'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import type { EmployeeRole } from '../../src/db/schema/index.js'
import { insertEmployee } from '../../src/modules/employees/repository.js'
import { hashPassword } from '../../src/passwords.js'
import { freshDatabase } from './database.js'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789'

/** Rate limits are set out of reach unless a test sets them; the security suite does. */
const NO_LIMITS = {
  RATE_LIMIT_MAX_REQUESTS: '1000000',
  AUTH_RATE_LIMIT_MAX: '1000000',
  ENQUIRY_RATE_LIMIT_MAX: '1000000',
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    { NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...NO_LIMITS, ...env },
    undefined,
  )
}

/**
 * The real app on its own fresh database. Given a test context it is closed when that test ends;
 * a suite that shares one app closes it in its own `after` hook.
 */
export async function buildTestApp(
  t?: Pick<TestContext, 'after'>,
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const database = await freshDatabase()
  const app = await buildApp(testConfig(env), { database })
  t?.after(() => app.close())
  await app.ready()
  return app
}

/**
 * The real app on its own fresh database, logging at info (unless `env` says otherwise) into
 * memory: `lines` parsed, `raw()` as written. Close it yourself (or pass `t`).
 */
export async function buildAppWithCapturedLogs(
  t?: Pick<TestContext, 'after'>,
  env: Record<string, string> = {},
) {
  const lines: Record<string, unknown>[] = []
  let raw = ''
  const destination = new Writable({
    write(chunk, _encoding, done) {
      raw += chunk
      for (const line of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const app = await buildApp(testConfig({ LOG_LEVEL: 'info', ...env }), {
    database: await freshDatabase(),
    logDestination: destination,
  })
  t?.after(() => app.close())
  await app.ready()
  return { app, lines, raw: () => raw }
}

/** A fresh app with an admin, logged in: for a suite that shares one app (close it after). */
export async function buildAppWithAdmin() {
  const app = await buildTestApp()
  return { app, admin: await createEmployee(app, { role: 'admin' }) }
}

/** A fresh app with an admin and a counselor, logged in: the cast most suites start from. */
export async function buildAppWithStaff(t?: Pick<TestContext, 'after'>) {
  const app = await buildTestApp(t)
  const admin = await createEmployee(app, { role: 'admin' })
  const counselor = await createEmployee(app)
  return { app, admin, counselor }
}

export const uniqueEmail = (label = 'user'): string =>
  `${label}-${randomBytes(5).toString('hex')}@example.com`

export interface TestEmployee {
  id: string
  name: string
  email: string
  password: string
  role: EmployeeRole
  token: string
}

/** Each password hashed once per process: argon2id takes tens of milliseconds of CPU a time. */
const hashes = new Map<string, Promise<string>>()
const hashOnce = (password: string): Promise<string> => {
  let hashed = hashes.get(password)
  if (!hashed) {
    hashed = hashPassword(password)
    hashes.set(password, hashed)
  }
  return hashed
}

/** An active employee stored directly (any role), logged in through the API. */
export async function createEmployee(
  app: FastifyInstance,
  overrides: { role?: EmployeeRole; name?: string; email?: string; password?: string } = {},
): Promise<TestEmployee> {
  const role = overrides.role ?? 'counselor'
  const name = overrides.name ?? `Test ${role}`
  const email = overrides.email ?? uniqueEmail(role)
  const password = overrides.password ?? 'correct horse battery'
  const stored = await insertEmployee(app.db, {
    name,
    email,
    role,
    passwordHash: await hashOnce(password),
  })
  if (!stored) throw new Error(`email ${email} is taken`)
  return { id: stored.id, name, email, password, role, token: app.issueToken(stored) }
}

export const logIn = (
  app: FastifyInstance,
  email: string,
  password: string,
  remoteAddress?: string,
) =>
  call(app, {
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  })

export const me = (
  app: FastifyInstance,
  options: { token?: string; headers?: Record<string, string>; remoteAddress?: string } = {},
) => call(app, { method: 'GET', url: '/api/auth/me', ...options })

/** How the API names an employee inside a record (an owner, an author, an actor). */
export const employeeRef = (employee: Pick<TestEmployee, 'id' | 'name' | 'email'>) => ({
  _id: employee.id,
  id: employee.id,
  name: employee.name,
  email: employee.email,
})

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** app.inject with a JSON body parsed (other bodies: `{}`; the raw text is on `response`). */
export async function call(
  app: FastifyInstance,
  options: InjectOptions & { token?: string },
): Promise<{ status: number; body: Record<string, unknown>; response: LightMyRequestResponse }> {
  const { token, headers, ...rest } = options
  const response = await app.inject({
    ...rest,
    headers: { ...headers, ...(token ? bearer(token) : {}) },
  })
  const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json')
  const body = isJson && response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {}
  return { status: response.statusCode, body, response }
}

/**
 * The field errors of an error body as `{field, message}`, after checking that each also carries
 * express-validator's names for them (`path`, `msg`) and nothing else.
 */
export function fieldErrors(body: Record<string, unknown>): { field: string; message: string }[] {
  const errors = (body.errors ?? []) as Record<string, unknown>[]
  return errors.map(({ field, message, path, msg, ...rest }) => {
    assert.deepEqual(rest, {}, 'no other keys')
    assert.equal(path, field)
    assert.equal(msg, message)
    return { field: String(field), message: String(message) }
  })
}

/** An error response with that status and stable code (messages are for people and may change). */
export function assertError(
  result: { status: number; body: object },
  status: number,
  code: string,
): void {
  const body = result.body as Record<string, unknown>
  assert.equal(result.status, status, JSON.stringify(body))
  assert.equal(body.success, false)
  assert.equal(body.code, code)
}

/**
 * Keeps the app busy answering requests back to back on four connections, as many as its event
 * loop can answer, until the returned function is called (which resolves once they have stopped).
 */
export function keepBusy(app: FastifyInstance, t: Pick<TestContext, 'after'>): () => Promise<void> {
  let loading = true
  const client = async () => {
    while (loading) {
      await app.inject({ method: 'GET', url: '/health' })
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const load = Promise.all([client(), client(), client(), client()])
  const stop = async () => {
    loading = false
    await load
  }
  t.after(stop)
  return stop
}
