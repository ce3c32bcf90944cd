import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { clientNetworkOf } from '../../src/modules/auth/lockout.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  logIn as logInFrom,
  uniqueEmail,
} from '../support/app.js'

const ATTACKER = '203.0.113.66'
const OWNER = '198.51.100.7'

const logIn = (app: FastifyInstance, email: string, password: string, from = ATTACKER) =>
  logInFrom(app, email, password, from)

const LOCKED = {
  success: false,
  message: 'Too many failed logins for this account from your address, please try again later',
  code: 'ACCOUNT_LOCKED',
}

/** Fails `times` logins from `from`, each one a 401. */
async function failLogins(app: FastifyInstance, email: string, times: number, from = ATTACKER) {
  for (let i = 0; i < times; i++) {
    assert.equal((await logIn(app, email, 'wrong-password', from)).status, 401, `failure ${i + 1}`)
  }
}

describe('login lockout', () => {
  test("the attacker's address stays locked (429, Retry-After) even with the right password", async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const employee = await createEmployee(app)
    await failLogins(app, employee.email, 3)
    const locked = await logIn(app, employee.email, employee.password)
    assert.equal(locked.status, 429)
    assert.deepEqual(locked.body, LOCKED)
    assert.ok(Number(locked.response.headers['retry-after']) >= 1)
    assert.equal(
      (await logIn(app, employee.email.toUpperCase(), employee.password)).status,
      429,
      'in any letter case',
    )
  })

  test("the owner with the right password from another address logs in while an attacker's address is locked", async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const admin = await createEmployee(app, { role: 'admin' })
    await failLogins(app, admin.email, 3)
    assert.equal((await logIn(app, admin.email, 'wrong-password')).status, 429)
    const owner = await logIn(app, admin.email, admin.password, OWNER)
    assert.equal(owner.status, 200)
    assert.equal((await logIn(app, admin.email, admin.password)).status, 429, 'still locked')
  })

  test("an address's lock ends when the window passes", async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_MS: '1500' })
    const employee = await createEmployee(app)
    await failLogins(app, employee.email, 3)
    assert.equal((await logIn(app, employee.email, employee.password)).status, 429)
    await new Promise((resolve) => setTimeout(resolve, 1600))
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
  })

  test("a successful login resets that address's count", async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const employee = await createEmployee(app)
    await failLogins(app, employee.email, 2)
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
    await failLogins(app, employee.email, 2)
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
  })

  test('the lock is per account: other employees log in normally from the same address', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '2' })
    const victim = await createEmployee(app)
    const colleague = await createEmployee(app)
    await failLogins(app, victim.email, 2)
    assert.equal((await logIn(app, victim.email, victim.password)).status, 429)
    assert.equal((await logIn(app, colleague.email, colleague.password)).status, 200)
  })

  test('unknown emails lock the same way, so a lock reveals nothing', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '2' })
    const nobody = uniqueEmail('nobody')
    await failLogins(app, nobody, 2)
    const locked = await logIn(app, nobody, 'x')
    assert.equal(locked.status, 429)
    assert.deepEqual(locked.body, LOCKED)
  })

  test('concurrent wrong attempts from one address never exceed the limit', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '5' })
    const employee = await createEmployee(app)
    const results = await Promise.all(
      Array.from({ length: 20 }, () => logIn(app, employee.email, 'guess-password')),
    )
    const statuses = results.map((r) => r.status)
    assert.equal(statuses.filter((s) => s === 401).length, 5, String(statuses))
    assert.equal(statuses.filter((s) => s === 429).length, 15)
    assert.equal((await logIn(app, employee.email, employee.password, OWNER)).status, 200)
  })

  test('an account-wide ceiling does not block a clean address', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3', LOGIN_ACCOUNT_MAX_FAILURES: '4' })
    const employee = await createEmployee(app)
    // Two addresses of a botnet spend the account's four failures between them.
    await failLogins(app, employee.email, 2, '203.0.113.1')
    await failLogins(app, employee.email, 2, '203.0.113.2')
    const ceiling = await logIn(app, employee.email, employee.password, '203.0.113.2')
    assert.equal(ceiling.status, 429, 'an address that has failed is stopped by the ceiling')
    assert.deepEqual(ceiling.body, LOCKED)
    assert.ok(Number(ceiling.response.headers['retry-after']) >= 1)
    // A third address gets one guess, checked like any other, then it has failed too.
    assert.equal((await logIn(app, employee.email, 'wrong-password', '203.0.113.3')).status, 401)
    assert.equal((await logIn(app, employee.email, employee.password, '203.0.113.3')).status, 429)
    assert.equal((await logIn(app, employee.email, employee.password, OWNER)).status, 200)
  })

  test('IPv6 addresses in one /64 count as one address, and an IPv4-mapped address as its IPv4', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '2' })
    const employee = await createEmployee(app)
    await failLogins(app, employee.email, 1, '2001:db8:1:2::a')
    await failLogins(app, employee.email, 1, '2001:db8:1:2:ffff::b')
    assert.equal(
      (await logIn(app, employee.email, employee.password, '2001:db8:1:2::c')).status,
      429,
    )
    assert.equal(
      (await logIn(app, employee.email, employee.password, '2001:db8:1:3::a')).status,
      200,
    )

    await failLogins(app, employee.email, 2, '203.0.113.9')
    assert.equal(
      (await logIn(app, employee.email, employee.password, '::ffff:203.0.113.9')).status,
      429,
    )
  })

  test('successful logins do not count towards the account-wide ceiling', async (t) => {
    const app = await buildTestApp(t, { LOGIN_ACCOUNT_MAX_FAILURES: '2' })
    const employee = await createEmployee(app)
    for (let i = 0; i < 3; i++) {
      assert.equal((await logIn(app, employee.email, employee.password, OWNER)).status, 200)
    }
    await failLogins(app, employee.email, 1, OWNER)
    assert.equal(
      (await logIn(app, employee.email, employee.password, OWNER)).status,
      200,
      'one failure is below the ceiling of two',
    )
  })
})

describe('PUT /api/auth/password', () => {
  const change = (
    app: FastifyInstance,
    token: string,
    payload: Record<string, unknown>,
    from = OWNER,
  ) => call(app, { method: 'PUT', url: '/api/auth/password', token, payload, remoteAddress: from })

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

  test('the same password again is a 400 and the token keeps working', async (t) => {
    const app = await buildTestApp(t)
    const employee = await createEmployee(app)
    const same = await change(app, employee.token, {
      currentPassword: employee.password,
      newPassword: employee.password,
    })
    assertError(same, 400, 'PASSWORD_UNCHANGED')
    assert.deepEqual(fieldErrors(same.body), [
      { field: 'newPassword', message: 'must differ from the current password' },
    ])
    const me = await call(app, { method: 'GET', url: '/api/auth/me', token: employee.token })
    assert.equal(me.status, 200)
  })

  test('a wrong current password is a 400 and changes nothing', async (t) => {
    const app = await buildTestApp(t)
    const employee = await createEmployee(app)
    const { status, body } = await change(app, employee.token, {
      currentPassword: 'not it at all',
      newPassword: 'a brand new password',
    })
    assertError({ status, body }, 400, 'CURRENT_PASSWORD_INCORRECT')
    assert.deepEqual(fieldErrors(body), [{ field: 'currentPassword', message: 'is incorrect' }])
    assert.equal(
      (await call(app, { method: 'GET', url: '/api/auth/me', token: employee.token })).status,
      200,
    )
    assert.equal((await logIn(app, employee.email, employee.password)).status, 200)
  })

  test('wrong currentPassword repeated gets 429 with Retry-After and the password is unchanged', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const employee = await createEmployee(app)
    const guess = (currentPassword: string, from = ATTACKER) =>
      change(app, employee.token, { currentPassword, newPassword: 'taken over at last' }, from)
    for (let i = 0; i < 3; i++) assert.equal((await guess(`guess number ${i}`)).status, 400)
    const locked = await guess('guess number 3')
    assert.equal(locked.status, 429)
    assert.deepEqual(locked.body, {
      success: false,
      message: 'Too many wrong current passwords, please try again later',
      code: 'ACCOUNT_LOCKED',
    })
    assert.ok(Number(locked.response.headers['retry-after']) >= 1)
    assert.equal((await guess(employee.password)).status, 429, 'even the right one, from there')

    assert.equal((await logIn(app, employee.email, 'taken over at last', OWNER)).status, 401)
    assert.equal((await logIn(app, employee.email, employee.password, OWNER)).status, 200)
    assert.equal(
      (await guess(employee.password, OWNER)).status,
      200,
      'the owner, from their own address, still can',
    )
  })

  test('concurrent wrong current passwords from one address never exceed the limit', async (t) => {
    const app = await buildTestApp(t, { LOGIN_MAX_FAILURES: '3' })
    const employee = await createEmployee(app)
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        change(app, employee.token, { currentPassword: `guess ${i}`, newPassword: 'x'.repeat(12) }),
      ),
    )
    const statuses = results.map((r) => r.status).sort()
    assert.deepEqual(statuses, [400, 400, 400, 429, 429, 429, 429, 429, 429, 429])
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

describe('clientNetworkOf', () => {
  test('an IPv4 address is its own network; IPv6 addresses are grouped by /64', () => {
    const cases: Record<string, string> = {
      '203.0.113.1': '203.0.113.1',
      '::ffff:203.0.113.66': '203.0.113.66',
      '::1': '0:0:0:0::/64',
      '2001:db8::1': '2001:db8:0:0::/64',
      '2001:0db8:0001:0002:0003:4:5:6': '2001:db8:1:2::/64',
      '2001:db8:1:2::a': '2001:db8:1:2::/64',
      '1::2:3:4:5:6:7': '1:0:2:3::/64',
      '2001:db8:1::1.2.3.4': '2001:db8:1:0::/64',
      'fe80::1%eth0': 'fe80:0:0:0::/64',
    }
    for (const [address, network] of Object.entries(cases)) {
      assert.equal(clientNetworkOf(address), network, address)
    }
  })
})
