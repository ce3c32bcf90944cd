import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { createPglite, wrapPglite } from '../src/db/client.js'
import { employees } from '../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, type TestEmployee, testConfig } from './support/app.js'
import { needsPostgres } from './support/database.js'

const LONG_TTL = { AUTH_CACHE_TTL_MS: '60000' }

const me = (app: FastifyInstance, who: TestEmployee) =>
  call(app, { method: 'GET', url: '/api/auth/me', token: who.token })

/** Polls until the request is refused; how long that took, or undefined if it never was. */
async function msUntilRefused(app: FastifyInstance, who: TestEmployee, withinMs: number) {
  const started = Date.now()
  while (Date.now() - started < withinMs) {
    if ((await me(app, who)).status === 401) return Date.now() - started
    await sleep(10)
  }
  return undefined
}

describe('Reusing the employee behind a token (AUTH_CACHE_TTL_MS)', () => {
  test('repeated requests by one caller read their employee once while nothing changes', async (t) => {
    const client = await createPglite()
    let employeeReads = 0
    const query = client.query.bind(client)
    client.query = ((...args: Parameters<typeof query>) => {
      if (/from "employees"/i.test(String(args[0]))) employeeReads++
      return query(...args)
    }) as typeof client.query
    const app = await buildApp(testConfig(LONG_TTL), { database: wrapPglite(client) })
    t.after(() => app.close())
    const counselor = await createEmployee(app)
    employeeReads = 0
    for (let i = 0; i < 5; i++) assert.equal((await me(app, counselor)).status, 200)
    assert.equal(employeeReads, 1)
  })

  test('a deactivation made outside this instance is refused as soon as the database notifies it', async (t) => {
    const app = await buildTestApp(t, LONG_TTL)
    const counselor = await createEmployee(app)
    assert.equal((await me(app, counselor)).status, 200) // now cached, for a minute
    // As another instance, or `npm run create-admin`, would change it: straight in the database.
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, counselor.id))
    const after = await msUntilRefused(app, counselor, 2000)
    assert.ok(after !== undefined && after < 1000, `refused after ${after} ms`)
  })

  test('a password changed outside this instance kills the old token as soon as the database notifies it', async (t) => {
    const app = await buildTestApp(t, LONG_TTL)
    const counselor = await createEmployee(app)
    assert.equal((await me(app, counselor)).status, 200)
    await app.db
      .update(employees)
      .set({ tokenVersion: sql`${employees.tokenVersion} + 1` })
      .where(eq(employees.id, counselor.id))
    const after = await msUntilRefused(app, counselor, 2000)
    assert.ok(after !== undefined && after < 1000, `refused after ${after} ms`)
  })

  test('changes through the API are refused on the very next request', async (t) => {
    const app = await buildTestApp(t, LONG_TTL)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    assert.equal((await me(app, counselor)).status, 200)
    const deactivated = await call(app, {
      method: 'PATCH',
      url: `/api/employees/${counselor.id}`,
      token: admin.token,
      payload: { isActive: false },
    })
    assert.equal(deactivated.status, 200)
    assert.equal((await me(app, counselor)).status, 401)

    const other = await createEmployee(app)
    assert.equal((await me(app, other)).status, 200)
    const changed = await call(app, {
      method: 'PUT',
      url: '/api/auth/password',
      token: other.token,
      payload: { currentPassword: other.password, newPassword: 'a brand new passphrase' },
    })
    assert.equal(changed.status, 200)
    assert.equal((await me(app, other)).status, 401, 'the token from before the change')
  })

  test('with AUTH_CACHE_TTL_MS=0 every request reads its caller', async (t) => {
    const app = await buildTestApp(t, { AUTH_CACHE_TTL_MS: '0' })
    const counselor = await createEmployee(app)
    assert.equal((await me(app, counselor)).status, 200)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, counselor.id))
    assert.equal((await me(app, counselor)).status, 401)
  })
})

describe('Reusing callers while notifications are down (PostgreSQL)', () => {
  test(
    'when the notification connection drops, callers are read afresh until it is back',
    needsPostgres,
    async (t) => {
      const app = await buildTestApp(t, LONG_TTL)
      const counselor = await createEmployee(app)
      assert.equal((await me(app, counselor)).status, 200)
      await app.db.execute(
        sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN crm_employee_changed'`,
      )
      await sleep(300) // the listener notices its connection is gone (and retries after a second)
      await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, counselor.id))
      assert.equal((await me(app, counselor)).status, 401, 'not served from the cache')

      // Back after the retry: caching resumes, and notifications evict again.
      const other = await createEmployee(app)
      await sleep(1500)
      assert.equal((await me(app, other)).status, 200)
      await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, other.id))
      const after = await msUntilRefused(app, other, 2000)
      assert.ok(after !== undefined && after < 1000, `refused after ${after} ms`)
    },
  )
})
