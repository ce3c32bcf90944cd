import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { buildApp } from '../src/app.js'
import { employees } from '../src/db/schema/index.js'
import { insertEmployee } from '../src/modules/employees/repository.js'
import { hashPassword } from '../src/passwords.js'
import { call, testConfig } from './support/app.js'
import { sharedDatabase } from './support/database.js'

const ADMIN = {
  ADMIN_EMAIL: 'Boss@Example.com',
  ADMIN_PASSWORD: 'admin-password',
  ADMIN_NAME: 'The Boss',
}

describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD / ADMIN_NAME', () => {
  test('is created at start as an active admin who can log in, once however often the app starts', async (t) => {
    const shared = await sharedDatabase()
    t.after(() => shared.dispose())
    for (let start = 0; start < 2; start++) {
      const app = await buildApp(testConfig(ADMIN), { database: await shared.open() })
      const login = await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'boss@example.com', password: 'admin-password' },
      })
      assert.equal(login.status, 200)
      const employee = (login.body.data as { employee: { name: string; role: string } }).employee
      assert.deepEqual([employee.name, employee.role], ['The Boss', 'admin'])
      const admins = await app.db
        .select()
        .from(employees)
        .where(eq(employees.email, 'boss@example.com'))
      assert.equal(admins.length, 1)
      await app.close()
    }
  })

  test('never overwrites an existing employee with that email', async (t) => {
    const shared = await sharedDatabase()
    t.after(() => shared.dispose())
    const first = await buildApp(testConfig(), { database: await shared.open() })
    await insertEmployee(first.db, {
      name: 'Already Here',
      email: 'boss@example.com',
      role: 'counselor',
      passwordHash: await hashPassword('their-own-password'),
    })
    await first.close()

    const app = await buildApp(testConfig(ADMIN), { database: await shared.open() })
    t.after(() => app.close())
    const [row] = await app.db
      .select()
      .from(employees)
      .where(eq(employees.email, 'boss@example.com'))
    assert.equal(row?.role, 'counselor')
    assert.equal(row?.name, 'Already Here')
    const oldPassword = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'boss@example.com', password: 'their-own-password' },
    })
    assert.equal(oldPassword.status, 200)
  })

  test('two instances starting at once on one empty database both come up, with one admin', async (t) => {
    const shared = await sharedDatabase()
    t.after(() => shared.dispose())
    const [a, b] = await Promise.all([
      buildApp(testConfig(ADMIN), { database: await shared.open() }),
      buildApp(testConfig(ADMIN), { database: await shared.open() }),
    ])
    t.after(() => Promise.all([a.close(), b.close()]))
    for (const app of [a, b]) {
      const login = await call(app, {
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'boss@example.com', password: 'admin-password' },
      })
      assert.equal(login.status, 200)
    }
    const admins = await a.db.select().from(employees)
    assert.equal(admins.length, 1)
  })
})
