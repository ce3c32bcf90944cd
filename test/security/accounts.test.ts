import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, call, createEmployee, uniqueEmail } from '../support/app.js'

const logIn = (app: FastifyInstance, email: string, password: string) =>
  call(app, { method: 'POST', url: '/api/auth/login', payload: { email, password } })

describe('login lockout', () => {
  test('after LOGIN_MAX_FAILURES failures even the right password gets 429 until the window passes', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_MS: '1500' })
    const employee = await createEmployee(app)
    for (let i = 0; i < 3; i++)
      assert.equal((await logIn(app, employee.email, 'wrong-password')).status, 401)
    const locked = await logIn(app, employee.email, employee.password)
    assert.equal(locked.status, 429)
    assert.deepEqual(locked.body, {
      success: false,
      message: 'Too many failed logins for this account, please try again later',
    })
    assert.ok(Number(locked.response.headers['retry-after']) >= 1)
    assert.equal(
      (await logIn(app, employee.email.toUpperCase(), employee.password)).status,
      429,
      'in any letter case',
    )

    await new Promise((resolve) => setTimeout(resolve, 1600))
    assert.equal(
      (await logIn(app, employee.email, employee.password)).status,
      200,
      'the window has passed',
    )
  })

  test('a successful login resets the count', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const employee = await createEmployee(app)
    await logIn(app, employee.email, 'wrong-password')
    await logIn(app, employee.email, 'wrong-password')
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
    await logIn(app, employee.email, 'wrong-password')
    await logIn(app, employee.email, 'wrong-password')
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
  })

  test('the lock is per account: other employees log in normally', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '2' })
    const victim = await createEmployee(app)
    const colleague = await createEmployee(app)
    for (let i = 0; i < 3; i++) await logIn(app, victim.email, 'wrong-password')
    assert.equal((await logIn(app, victim.email, victim.password)).status, 429)
    assert.equal((await logIn(app, colleague.email, colleague.password)).status, 200)
  })

  test('unknown emails lock the same way, so a lock reveals nothing', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '2' })
    const nobody = uniqueEmail('nobody')
    assert.deepEqual(
      [(await logIn(app, nobody, 'x')).status, (await logIn(app, nobody, 'x')).status],
      [401, 401],
    )
    assert.equal((await logIn(app, nobody, 'x')).status, 429)
  })

  test('simultaneous guesses cannot slip past the limit', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '5' })
    const employee = await createEmployee(app)
    const results = await Promise.all(
      Array.from({ length: 20 }, () => logIn(app, employee.email, 'guess-password')),
    )
    const statuses = results.map((r) => r.status)
    assert.equal(statuses.filter((s) => s === 401).length, 5, String(statuses))
    assert.equal(statuses.filter((s) => s === 429).length, 15)
  })
})

describe('PUT /api/auth/password', () => {
  const change = (app: FastifyInstance, token: string, payload: Record<string, unknown>) =>
    call(app, { method: 'PUT', url: '/api/auth/password', token, payload })

  test('changes the password, kills every earlier token at once, and returns a fresh one', async (t) => {
    const app = await buildTestApp(t)
    const employee = await createEmployee(app)
    const otherSession = (await logIn(app, employee.email, employee.password)).body.data as {
      token: string
    }
    const { status, body } = await change(app, employee.token, {
      currentPassword: employee.password,
      newPassword: 'a brand new password',
    })
    assert.equal(status, 200)
    const fresh = (body.data as { token: string }).token
    for (const old of [employee.token, otherSession.token]) {
      assert.equal(
        (await call(app, { method: 'GET', url: '/api/auth/me', token: old })).status,
        401,
      )
    }
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', token: fresh })).status,
      200,
    )
    assert.equal((await logIn(app, employee.email, employee.password)).status, 401)
    assert.equal((await logIn(app, employee.email, 'a brand new password')).status, 200)
  })

  test('a wrong current password is a 400 and changes nothing', async (t) => {
    const app = await buildTestApp(t)
    const employee = await createEmployee(app)
    const { status, body } = await change(app, employee.token, {
      currentPassword: 'not it at all',
      newPassword: 'a brand new password',
    })
    assert.equal(status, 400)
    assert.deepEqual(body.errors, [{ field: 'currentPassword', message: 'is incorrect' }])
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', token: employee.token })).status,
      200,
    )
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
  })

  test('a too-short new password is a 400; no token is a 401', async (t) => {
    const app = await buildTestApp(t)
    const employee = await createEmployee(app)
    assert.equal(
      (
        await change(app, employee.token, {
          currentPassword: employee.password,
          newPassword: 'short',
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await call(app, {
          method: 'PUT',
          url: '/api/auth/password',
          payload: { currentPassword: 'a', newPassword: 'bbbbbbbbbb' },
        })
      ).status,
      401,
    )
  })
})
