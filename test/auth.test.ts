import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { eq } from 'drizzle-orm'
import { createSigner } from 'fast-jwt'
import type { FastifyInstance } from 'fastify'
import { employees } from '../src/db/schema/index.js'
import {
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  logIn,
  me,
  TEST_JWT_SECRET,
  uniqueEmail,
} from './support/app.js'

const PASSWORD = 'password123'

async function storedEmployee(app: FastifyInstance, email: string) {
  const [row] = await app.db.select().from(employees).where(eq(employees.email, email))
  return row
}

function register(app: FastifyInstance, body: Record<string, unknown>, token?: string) {
  return call(app, { method: 'POST', url: '/api/auth/register', payload: body, token })
}

describe('POST /api/auth/register', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  test('a new counselor gets 201 with the employee and a working token, exactly as the seed shows', async () => {
    const email = uniqueEmail('john')
    const { status, body } = await register(app, {
      name: '  John Doe ',
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
    })
    assert.equal(status, 201)
    assert.equal(body.success, true)
    assert.equal(body.message, 'Employee registered successfully')
    const data = body.data as { employee: Record<string, unknown>; token: string }
    assert.deepEqual(Object.keys(data.employee).sort(), [
      'createdAt',
      'email',
      'id',
      'name',
      'role',
    ])
    assert.match(String(data.employee.id), /^[0-9a-f]{24}$/)
    assert.equal(data.employee.name, 'John Doe')
    assert.equal(data.employee.email, email)
    assert.equal(data.employee.role, 'counselor')
    assert.ok(!Number.isNaN(Date.parse(String(data.employee.createdAt))))

    const me = await call(app, { method: 'GET', url: '/api/auth/me', token: data.token })
    assert.equal(me.status, 200)
    assert.equal((me.body.data as { employee: { id: string } }).employee.id, data.employee.id)
  })

  test('the password is stored as an argon2id hash and never returned', async () => {
    const email = uniqueEmail()
    const { response } = await register(app, { name: 'Hash Check', email, password: PASSWORD })
    assert.ok(!response.body.includes(PASSWORD))
    assert.ok(!response.body.includes('$argon2'))
    const row = await storedEmployee(app, email)
    assert.match(row?.passwordHash ?? '', /^\$argon2id\$/)
  })

  test('an email already registered in any letter case is a 409 and stores nothing', async () => {
    const email = uniqueEmail()
    assert.equal((await register(app, { name: 'First', email, password: PASSWORD })).status, 201)
    const again = await register(app, {
      name: 'Second',
      email: email.toUpperCase(),
      password: PASSWORD,
    })
    assert.equal(again.status, 409)
    assert.equal(again.body.success, false)
    assert.equal(again.body.code, 'EMAIL_TAKEN')
    const rows = await app.db.select().from(employees).where(eq(employees.name, 'Second'))
    assert.equal(rows.length, 0)
  })

  test('simultaneous registrations of one email create exactly one employee', async () => {
    const email = uniqueEmail('race')
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        register(app, { name: `Racer ${i}`, email, password: PASSWORD }),
      ),
    )
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409])
  })

  test('invalid fields get a 400 listing each offending field by name', async () => {
    const { status, body } = await register(app, {
      name: { $gt: '' },
      email: 'not-an-email',
      password: 'short',
      role: 'boss',
    })
    assert.equal(status, 400)
    assert.equal(body.success, false)
    const fields = (body.errors as { field: string; message: string }[]).map((e) => e.field).sort()
    assert.deepEqual(fields, ['email', 'name', 'password', 'role'])
    const roleError = (body.errors as { field: string; message: string }[]).find(
      (e) => e.field === 'role',
    )
    assert.equal(roleError?.message, 'must be one of: counselor, admin')
  })

  test('missing fields are named in the errors', async () => {
    const { status, body } = await register(app, {})
    assert.equal(status, 400)
    assert.deepEqual((body.errors as { field: string }[]).map((e) => e.field).sort(), [
      'email',
      'name',
      'password',
    ])
  })

  test('a number where the name belongs is refused, not coerced', async () => {
    const { status } = await register(app, {
      name: 12345,
      email: uniqueEmail(),
      password: PASSWORD,
    })
    assert.equal(status, 400)
  })

  test('a name shorter than 2 characters after trimming is refused', async () => {
    const { status, body } = await register(app, {
      name: ' a ',
      email: uniqueEmail(),
      password: PASSWORD,
    })
    assert.equal(status, 400)
    assert.equal((body.errors as { field: string }[])[0]?.field, 'name')
  })

  test('properties the API does not define are ignored (no mass assignment)', async () => {
    const email = uniqueEmail()
    const { status } = await register(app, {
      name: 'Sneaky',
      email,
      password: PASSWORD,
      isActive: false,
      tokenVersion: 99,
      passwordHash: 'x',
    })
    assert.equal(status, 201)
    const row = await storedEmployee(app, email)
    assert.equal(row?.isActive, true)
    assert.equal(row?.tokenVersion, 0)
    assert.match(row?.passwordHash ?? '', /^\$argon2id\$/)
  })

  test('registering an admin without an admin token is a 403 and stores nothing', async () => {
    const email = uniqueEmail()
    const { status, body } = await register(app, {
      name: 'Wannabe',
      email,
      password: PASSWORD,
      role: 'admin',
    })
    assert.equal(status, 403)
    assert.equal(body.success, false)
    assert.equal(await storedEmployee(app, email), undefined)

    const counselor = await createEmployee(app)
    const withCounselor = await register(
      app,
      { name: 'Wannabe', email, password: PASSWORD, role: 'admin' },
      counselor.token,
    )
    assert.equal(withCounselor.status, 403)
  })

  test('an admin may register another admin', async () => {
    const admin = await createEmployee(app, { role: 'admin' })
    const { status, body } = await register(
      app,
      { name: 'New Admin', email: uniqueEmail(), password: PASSWORD, role: 'admin' },
      admin.token,
    )
    assert.equal(status, 201)
    assert.equal((body.data as { employee: { role: string } }).employee.role, 'admin')
  })

  test('a bad bearer token on register is a 401, not an anonymous registration', async () => {
    const { status } = await register(
      app,
      { name: 'Someone', email: uniqueEmail(), password: PASSWORD },
      'garbage',
    )
    assert.equal(status, 401)
  })
})

describe('POST /api/auth/register with ALLOW_PUBLIC_REGISTRATION=false', () => {
  test('only an admin may register employees', async (t) => {
    const app = await buildTestApp(t, { ALLOW_PUBLIC_REGISTRATION: 'false' })
    const anonymous = await register(app, {
      name: 'Walk In',
      email: uniqueEmail(),
      password: PASSWORD,
    })
    assert.equal(anonymous.status, 403)
    const counselor = await createEmployee(app)
    assert.equal(
      (
        await register(
          app,
          { name: 'Walk In', email: uniqueEmail(), password: PASSWORD },
          counselor.token,
        )
      ).status,
      403,
    )
    const admin = await createEmployee(app, { role: 'admin' })
    assert.equal(
      (
        await register(
          app,
          { name: 'Hired', email: uniqueEmail(), password: PASSWORD },
          admin.token,
        )
      ).status,
      201,
    )
  })
})

describe('POST /api/auth/login', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  test('the right password gets 200 with the employee and a token, and stamps lastLogin', async () => {
    const employee = await createEmployee(app, { name: 'John Doe' })
    assert.equal((await storedEmployee(app, employee.email))?.lastLogin, null)
    const { status, body } = await logIn(app, employee.email.toUpperCase(), employee.password)
    assert.equal(status, 200)
    assert.equal(body.message, 'Login successful')
    const data = body.data as { employee: Record<string, unknown>; token: string }
    assert.deepEqual(data.employee, {
      id: employee.id,
      name: 'John Doe',
      email: employee.email,
      role: 'counselor',
    })
    assert.equal(typeof data.token, 'string')
    assert.ok((await storedEmployee(app, employee.email))?.lastLogin instanceof Date)
  })

  test('a wrong password and an unknown email get the same 401', async () => {
    const employee = await createEmployee(app)
    const wrong = await logIn(app, employee.email, 'not the password')
    const unknown = await logIn(app, uniqueEmail('nobody'), 'not the password')
    assert.equal(wrong.status, 401)
    assert.equal(unknown.status, 401)
    assert.deepEqual(wrong.body, unknown.body)
    assert.equal(wrong.body.code, 'INVALID_CREDENTIALS')
  })

  test('a deactivated employee with the right password gets 403', async () => {
    const employee = await createEmployee(app)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, employee.id))
    const { status, body } = await logIn(app, employee.email, employee.password)
    assert.equal(status, 403)
    assert.equal(body.code, 'ACCOUNT_DEACTIVATED')
    assert.equal((await logIn(app, employee.email, 'wrong password')).status, 401)
  })

  test('a bcrypt hash from the original system verifies and is replaced by argon2id', async () => {
    const employee = await createEmployee(app)
    await app.db
      .update(employees)
      .set({ passwordHash: await bcryptHash('legacy-password', 10) })
      .where(eq(employees.id, employee.id))
    assert.equal((await logIn(app, employee.email, 'wrong password')).status, 401)
    assert.equal((await logIn(app, employee.email, 'legacy-password')).status, 200)
    assert.match((await storedEmployee(app, employee.email))?.passwordHash ?? '', /^\$argon2id\$/)
    assert.equal((await logIn(app, employee.email, 'legacy-password')).status, 200)
  })

  test('$2a$ and $2y$ bcrypt variants verify too', async () => {
    for (const prefix of ['$2a$', '$2y$']) {
      const employee = await createEmployee(app)
      const legacy = (await bcryptHash('legacy-password', 10)).replace(/^\$2b\$/, prefix)
      await app.db
        .update(employees)
        .set({ passwordHash: legacy })
        .where(eq(employees.id, employee.id))
      assert.equal((await logIn(app, employee.email, 'legacy-password')).status, 200, prefix)
    }
  })

  test('a missing password is a 400', async () => {
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: uniqueEmail() },
    })
    assert.equal(status, 400)
    assert.deepEqual(fieldErrors(body), [{ field: 'password', message: 'is required' }])
  })
})

describe('GET /api/auth/me', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  const meWith = (token?: string, headers: Record<string, string> = {}) =>
    me(app, { ...(token ? { token } : {}), headers })

  test('returns the employee the token belongs to, without any password field', async () => {
    const employee = await createEmployee(app, { name: 'Jane Roe' })
    const login = await logIn(app, employee.email, employee.password)
    const token = (login.body.data as { token: string }).token
    const { status, body, response } = await meWith(token)
    assert.equal(status, 200)
    const data = body.data as { employee: Record<string, unknown> }
    assert.deepEqual(Object.keys(data.employee).sort(), [
      'available',
      'createdAt',
      'email',
      'id',
      'isActive',
      'lastLogin',
      'maxOpenLeads',
      'name',
      'notifications',
      'role',
    ])
    assert.equal(data.employee.isActive, true)
    assert.deepEqual(data.employee.notifications, { email: true })
    assert.equal(data.employee.name, 'Jane Roe')
    assert.ok(!Number.isNaN(Date.parse(String(data.employee.lastLogin))))
    assert.ok(!/password/i.test(response.body))
  })

  test('no token, a malformed header or a garbage token is a 401 in the error format', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Token abc' },
      { authorization: 'Bearer not.a.jwt' },
    ]
    for (const headers of cases) {
      const { status, body } = await meWith(undefined, headers)
      assert.equal(status, 401, JSON.stringify(headers))
      assert.equal(body.success, false)
      assert.equal(typeof body.message, 'string')
    }
  })

  test('forged tokens are refused: another secret, alg none, HS512, an expired token', async () => {
    const employee = await createEmployee(app)
    const claims = { sub: employee.id, role: 'admin', ver: 0 }
    const otherSecret = createSigner({ key: 'another-secret-another-secret-another-secret' })(
      claims,
    )
    const hs512 = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS512' })(claims)
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`
    const now = Math.floor(Date.now() / 1000)
    const expired = createSigner({ key: TEST_JWT_SECRET })({
      ...claims,
      iat: now - 100,
      exp: now - 10,
    })
    for (const [label, token] of Object.entries({ otherSecret, hs512, none, expired })) {
      assert.equal((await meWith(token)).status, 401, label)
    }
    const valid = createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 })(claims)
    assert.equal((await meWith(valid)).status, 200, 'the same claims signed properly are accepted')
  })

  test('an expired token says so', async () => {
    const employee = await createEmployee(app)
    const now = Math.floor(Date.now() / 1000)
    const token = createSigner({ key: TEST_JWT_SECRET })({
      sub: employee.id,
      role: 'counselor',
      ver: 0,
      iat: now - 100,
      exp: now - 10,
    })
    const { body } = await meWith(token)
    assert.equal(body.code, 'TOKEN_EXPIRED')
  })

  test('the token of a deactivated or deleted employee stops working at once', async () => {
    const deactivated = await createEmployee(app)
    const deleted = await createEmployee(app)
    assert.equal((await meWith(deactivated.token)).status, 200)
    assert.equal((await meWith(deleted.token)).status, 200)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, deactivated.id))
    await app.db.delete(employees).where(eq(employees.id, deleted.id))
    // Changed behind the app's back: on PostgreSQL the trigger's notification arrives a moment
    // later. Well within AUTH_CACHE_TTL_MS (2 s), so the cache's expiry cannot be what passes this.
    const refusedWithin = async (token: string, ms: number) => {
      const deadline = Date.now() + ms
      for (;;) {
        const { status } = await meWith(token)
        if (status === 401 || Date.now() > deadline) return status
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    assert.equal(await refusedWithin(deactivated.token, 1000), 401)
    assert.equal(await refusedWithin(deleted.token, 1000), 401)
  })

  test('a token issued before the token version changed is refused', async () => {
    const employee = await createEmployee(app)
    await app.db.update(employees).set({ tokenVersion: 1 }).where(eq(employees.id, employee.id))
    assert.equal((await meWith(employee.token)).status, 401)
  })

  test('the role comes from the database, not from the token', async () => {
    const employee = await createEmployee(app)
    const token = createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 })({
      sub: employee.id,
      role: 'admin',
      ver: 0,
    })
    const { body } = await meWith(token)
    assert.equal((body.data as { employee: { role: string } }).employee.role, 'counselor')
  })

  test('a correctly signed token without an expiry is refused', async () => {
    const employee = await createEmployee(app)
    const claims = { sub: employee.id, role: 'counselor', ver: 0 }
    const forever = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256' })(claims)
    const { status, body } = await meWith(forever)
    assert.equal(status, 401)
    assert.equal(body.code, 'UNAUTHENTICATED')
    const expiring = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256', expiresIn: 60_000 })
    assert.equal(
      (await meWith(expiring(claims))).status,
      200,
      'the same claims with an expiry pass',
    )
  })

  test('a valid token followed by anything else in the header is refused', async () => {
    const employee = await createEmployee(app)
    const token = employee.token
    const headers = [
      `Bearer ${token} junk`,
      `Bearer ${token} ${token}`,
      `Bearer ${token},junk`,
      `Bearer ${token}\tjunk`,
      `Bearer\t${token}`,
      `Bearer${token}`,
      `Bearer ${token.replace(/\./g, ' ')}`,
    ]
    for (const authorization of headers) {
      const { status, body } = await meWith(undefined, { authorization })
      assert.equal(status, 401, JSON.stringify(authorization))
      assert.equal(body.success, false)
    }
  })

  test('the Bearer scheme in any letter case, several spaces before the token and whitespace around the header are accepted', async () => {
    const employee = await createEmployee(app)
    const token = employee.token
    const headers = [
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER ${token}`,
      `Bearer   ${token}`,
      ` Bearer ${token} `,
    ]
    for (const authorization of headers) {
      assert.equal((await meWith(undefined, { authorization })).status, 200, authorization)
    }
  })
})
