import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/client.js'
import { employees, enquiries } from '../src/db/schema/index.js'
import {
  assertError,
  buildAppWithAdmin,
  buildTestApp,
  call,
  createEmployee,
  employeeRef,
  type TestEmployee,
  testConfig,
  uniqueEmail,
} from './support/app.js'
import { serverDatabase, targetOf } from './support/database.js'
import { claim, lastActivity, list, submitEnquiry } from './support/enquiries.js'
import { runScript } from './support/server.js'

describe('GET /api/employees', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => {
    app = await buildTestApp()
    admin = await createEmployee(app, { role: 'admin', name: 'Zed Admin' })
  })
  after(() => app.close())

  test('lists employees with their open-lead counts in the usual envelope', async () => {
    const busy = await createEmployee(app, { name: 'Aaron Busy' })
    for (const status of ['claimed', 'contacted', 'converted']) {
      const id = await submitEnquiry(app)
      await claim(app, id, busy.token)
      if (status !== 'claimed') {
        await call(app, {
          method: 'PUT',
          url: `/api/enquiries/${id}/status`,
          token: busy.token,
          payload: { status },
        })
      }
    }
    const { status, body } = await list(app, '/api/employees?limit=100', admin.token)
    assert.equal(status, 200)
    assert.equal(body.success, true)
    assert.equal(body.count, body.data.length)
    assert.equal(body.total, body.data.length)
    const row = body.data.find((e) => e._id === busy.id)
    assert.deepEqual(Object.keys(row ?? {}).sort(), [
      '_id',
      'available',
      'createdAt',
      'email',
      'id',
      'isActive',
      'lastLogin',
      'maxOpenLeads',
      'name',
      'openLeads',
      'role',
    ])
    assert.equal(row?.openLeads, 2, 'claimed + contacted')
    assert.ok(!JSON.stringify(body).includes('argon2'))
  })

  test('filters by role, isActive and a search on name or email', async () => {
    const marker = `Filter${Date.now()}`
    const inactive = await createEmployee(app, { name: `${marker} Gone` })
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, inactive.id))
    await createEmployee(app, { name: `${marker} Here` })
    assert.deepEqual(
      (await list(app, `/api/employees?q=${marker}&isActive=false`, admin.token)).body.data.map(
        (e) => e._id,
      ),
      [inactive.id],
    )
    assert.equal(
      (await list(app, `/api/employees?q=${marker.toLowerCase()}`, admin.token)).body.total,
      2,
    )
    const admins = await list(app, '/api/employees?role=admin', admin.token)
    assert.ok(admins.body.data.every((e) => e.role === 'admin'))
    assert.equal((await list(app, '/api/employees?role=boss', admin.token)).status, 400)
    assert.equal((await list(app, '/api/employees?isActive=maybe', admin.token)).status, 400)
  })

  test('a counselor gets 403 and anonymous 401', async () => {
    const counselor = await createEmployee(app)
    assertError(await list(app, '/api/employees', counselor.token), 403, 'ADMIN_ONLY')
    assert.equal((await call(app, { method: 'GET', url: '/api/employees' })).status, 401)
  })
})

describe('GET /api/employees/:id', () => {
  test('returns the employee and counts of their enquiries per status', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app, { name: 'Counted' })
    const lost = await submitEnquiry(app)
    await claim(app, lost, counselor.token)
    await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${lost}/status`,
      token: counselor.token,
      payload: { status: 'lost' },
    })
    await claim(app, await submitEnquiry(app), counselor.token)
    const { status, body } = await call(app, {
      method: 'GET',
      url: `/api/employees/${counselor.id}`,
      token: admin.token,
    })
    assert.equal(status, 200)
    const data = body.data as Record<string, unknown>
    assert.equal(data.name, 'Counted')
    assert.deepEqual(data.enquiryCounts, { claimed: 1, contacted: 0, converted: 0, lost: 1 })
    assert.equal(
      (
        await call(app, {
          method: 'GET',
          url: '/api/employees/aaaaaaaaaaaaaaaaaaaaaaaa',
          token: admin.token,
        })
      ).status,
      404,
    )
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/employees/nope', token: admin.token })).status,
      400,
    )
    assert.equal(
      (
        await call(app, {
          method: 'GET',
          url: `/api/employees/${counselor.id}`,
          token: counselor.token,
        })
      ).status,
      403,
    )
  })
})

describe('PATCH /api/employees/:id', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  const patch = (id: string, payload: Record<string, unknown>, token = admin.token) =>
    call(app, { method: 'PATCH', url: `/api/employees/${id}`, token, payload })

  test('renames and changes roles', async () => {
    const employee = await createEmployee(app)
    const renamed = await patch(employee.id, { name: '  New Name  ', role: 'admin' })
    assert.equal(renamed.status, 200)
    assert.deepEqual(
      [(renamed.body.data as { name: string }).name, (renamed.body.data as { role: string }).role],
      ['New Name', 'admin'],
    )
    const me = await call(app, { method: 'GET', url: '/api/auth/me', token: employee.token })
    assert.equal(
      (me.body.data as { employee: { role: string } }).employee.role,
      'admin',
      'takes effect at once',
    )
  })

  test('an empty or invalid change is a 400', async () => {
    const employee = await createEmployee(app)
    assertError(await patch(employee.id, {}), 400, 'VALIDATION_FAILED')
    // Fields it does not know are dropped: what is left is no change at all.
    assertError(await patch(employee.id, { password: 'a-new-one-123' }), 400, 'NOTHING_TO_CHANGE')
    assert.equal((await patch(employee.id, { role: 'boss' })).status, 400)
    assert.equal((await patch(employee.id, { isActive: 'no' })).status, 400)
    assert.equal(
      (await patch(employee.id, { email: 'new@example.com' })).status,
      400,
      'only name, role and isActive',
    )
  })

  test('deactivating logs the employee out at once and returns their open leads to the pool', async () => {
    const leaving = await createEmployee(app, { name: 'Leaving Soon' })
    const claimed = await submitEnquiry(app)
    const contacted = await submitEnquiry(app)
    const converted = await submitEnquiry(app)
    for (const id of [claimed, contacted, converted]) await claim(app, id, leaving.token)
    await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${contacted}/status`,
      token: leaving.token,
      payload: { status: 'contacted' },
    })
    await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${converted}/status`,
      token: leaving.token,
      payload: { status: 'converted' },
    })

    const { status, body } = await patch(leaving.id, { isActive: false })
    assert.equal(status, 200)
    assert.equal((body.data as { isActive: boolean }).isActive, false)
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', token: leaving.token })).status,
      401,
    )
    const login = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: leaving.email, password: leaving.password },
    })
    assert.equal(login.status, 403)

    for (const id of [claimed, contacted]) {
      const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
      assert.deepEqual([row?.status, row?.claimedBy, row?.claimedAt], ['unclaimed', null, null])
      const released = await lastActivity(app, id, admin.token)
      assert.equal(released?.type, 'released')
      assert.deepEqual(released?.previousOwner, employeeRef(leaving))
    }
    const [kept] = await app.db.select().from(enquiries).where(eq(enquiries.id, converted))
    assert.deepEqual(
      [kept?.status, kept?.claimedBy],
      ['converted', leaving.id],
      'closed leads keep their owner',
    )

    // Reactivated, the old tokens stay dead; a new login works.
    assert.equal((await patch(leaving.id, { isActive: true })).status, 200)
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', token: leaving.token })).status,
      401,
    )
    assert.equal(
      (
        await call(app, {
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: leaving.email, password: leaving.password },
        })
      ).status,
      200,
    )
  })

  test('an admin cannot deactivate or demote themselves (409)', async () => {
    const self = await createEmployee(app, { role: 'admin' })
    assertError(await patch(self.id, { isActive: false }, self.token), 409, 'CANNOT_CHANGE_SELF')
    assertError(await patch(self.id, { role: 'counselor' }, self.token), 409, 'CANNOT_CHANGE_SELF')
    assert.equal((await patch(self.id, { name: 'Still Me' }, self.token)).status, 200)
  })

  test('a counselor gets 403', async () => {
    const counselor = await createEmployee(app)
    const other = await createEmployee(app)
    assert.equal((await patch(other.id, { isActive: false }, counselor.token)).status, 403)
    assertError(
      await patch('aaaaaaaaaaaaaaaaaaaaaaaa', { name: 'Ghost' }),
      404,
      'EMPLOYEE_NOT_FOUND',
    )
  })
})

describe('the last active admin', () => {
  test('can never be deactivated or demoted', async (t) => {
    const app = await buildTestApp(t)
    const first = await createEmployee(app, { role: 'admin' })
    const second = await createEmployee(app, { role: 'admin' })
    const patch = (id: string, payload: Record<string, unknown>, token: string) =>
      call(app, { method: 'PATCH', url: `/api/employees/${id}`, token, payload })
    assert.equal((await patch(second.id, { role: 'counselor' }, first.token)).status, 200)
    // `first` is now the only active admin; a (newly promoted) admin cannot remove them.
    const third = await createEmployee(app, { role: 'admin' })
    assert.equal((await patch(third.id, { isActive: false }, first.token)).status, 200)
    assertError(await patch(first.id, { isActive: false }, first.token), 409, 'CANNOT_CHANGE_SELF')
  })

  test('two admins demoting each other at the same moment leave one admin', async (t) => {
    const app = await buildTestApp(t)
    const a = await createEmployee(app, { role: 'admin' })
    const b = await createEmployee(app, { role: 'admin' })
    const results = await Promise.all([
      call(app, {
        method: 'PATCH',
        url: `/api/employees/${b.id}`,
        token: a.token,
        payload: { role: 'counselor' },
      }),
      call(app, {
        method: 'PATCH',
        url: `/api/employees/${a.id}`,
        token: b.token,
        payload: { role: 'counselor' },
      }),
    ])
    const [winner, loser] = results.sort((x, y) => x.status - y.status)
    assert.equal(winner?.status, 200)
    // Refused either by the last-admin rule, or (when the other change landed first) because the
    // caller is no longer an admin.
    const refusal = `${loser?.status} ${loser?.body.code}`
    assert.ok(refusal === '409 LAST_ADMIN' || refusal === '403 ADMIN_ONLY', refusal)
    const admins = await app.db.select().from(employees).where(eq(employees.role, 'admin'))
    assert.equal(admins.length, 1)
  })
})

describe('npm run create-admin', () => {
  test('creates an admin, then promotes an existing employee, from the command line', async (t) => {
    // Not yet created: the first admin is made before the server's first start, the tool migrating.
    const database = await serverDatabase({ empty: true })
    t.after(() => database.dispose())
    const url = database.url
    const env = { DATABASE_URL: url, LOG_LEVEL: 'silent' }
    const first = await runScript('create-admin.mjs', env, [
      '--email',
      'Boss@Example.com',
      '--name',
      'The Boss',
      '--password',
      'boss-password',
    ])
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^Created admin boss@example\.com \([0-9a-f]{24}\)/)

    const missing = await runScript('create-admin.mjs', env, [
      '--email',
      'new@example.com',
      '--name',
      'No Password',
    ])
    assert.notEqual(missing.code, 0)
    assert.match(missing.stderr, /password/i)

    // An employee registered as a counselor is promoted (and keeps their password).
    const target = targetOf(url)
    const counselorEmail = uniqueEmail('promote')
    {
      const app = await buildApp(testConfig(), { database: await openDatabase(target) })
      await call(app, {
        method: 'POST',
        url: '/api/auth/register',
        payload: { name: 'Promote Me', email: counselorEmail, password: 'own-password' },
      })
      await app.close()
    }
    const promoted = await runScript('create-admin.mjs', env, [
      '--email',
      counselorEmail,
      '--name',
      'Promote Me',
    ])
    assert.equal(promoted.code, 0, promoted.stderr)
    assert.match(promoted.stdout, /^Promoted admin/)

    const app = await buildApp(testConfig(), { database: await openDatabase(target) })
    t.after(() => app.close())
    for (const [email, password] of [
      ['boss@example.com', 'boss-password'],
      [counselorEmail, 'own-password'],
    ] as const) {
      const login = await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password },
      })
      assert.equal(login.status, 200)
      assert.equal((login.body.data as { employee: { role: string } }).employee.role, 'admin')
    }
  })
})
