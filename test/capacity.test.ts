import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq, inArray } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { enquiries, heldStatuses } from '../src/db/schema/index.js'
import {
  assertError,
  buildAppWithAdmin,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  me,
  type TestEmployee,
} from './support/app.js'
import { claim, detail, setStatus, submitEnquiry } from './support/enquiries.js'

const setCap = (app: FastifyInstance, admin: TestEmployee, id: string, maxOpenLeads: unknown) =>
  call(app, {
    method: 'PATCH',
    url: `/api/employees/${id}`,
    token: admin.token,
    payload: { maxOpenLeads },
  })

const openLeadsOf = async (app: FastifyInstance, id: string) =>
  (
    await app.db
      .select({ id: enquiries.id })
      .from(enquiries)
      .where(and(eq(enquiries.claimedBy, id), inArray(enquiries.status, [...heldStatuses])))
  ).length

describe('PATCH /api/auth/me (availability)', () => {
  let app: FastifyInstance
  before(async () => {
    app = await buildTestApp()
  })
  after(() => app.close())

  test('a counselor is available by default, says they are away, and comes back', async () => {
    const counselor = await createEmployee(app)
    const initial = (await me(app, { token: counselor.token })).body.data as {
      employee: Record<string, unknown>
    }
    assert.equal(initial.employee.available, true)
    assert.equal(initial.employee.maxOpenLeads, null)

    const away = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: counselor.token,
      payload: { available: false },
    })
    assert.equal(away.status, 200)
    assert.equal((away.body.data as { employee: { available: boolean } }).employee.available, false)
    const read = (await me(app, { token: counselor.token })).body.data as {
      employee: Record<string, unknown>
    }
    assert.equal(read.employee.available, false, 'GET /me reads the change at once')

    const back = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: counselor.token,
      payload: { available: true },
    })
    assert.equal((back.body.data as { employee: { available: boolean } }).employee.available, true)
  })

  test('anything but a boolean available is a 400 naming the field', async () => {
    const counselor = await createEmployee(app)
    const wrong = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: counselor.token,
      payload: { available: 'no' },
    })
    assertError(wrong, 400, 'VALIDATION_FAILED')
    assert.deepEqual(
      fieldErrors(wrong.body).map((error) => error.field),
      ['available'],
    )
    const other = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: counselor.token,
      payload: { role: 'admin' },
    })
    assert.equal(other.status, 400, 'a counselor cannot change their role here')
  })
})

describe('maxOpenLeads: a cap on open leads', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  test('an admin sets a cap with PATCH /api/employees/:id and clears it with null', async () => {
    const counselor = await createEmployee(app)
    const set = await setCap(app, admin, counselor.id, 25)
    assert.equal(set.status, 200)
    assert.equal((set.body.data as { maxOpenLeads: number }).maxOpenLeads, 25)
    const shown = (await me(app, { token: counselor.token })).body.data as {
      employee: { maxOpenLeads: number | null }
    }
    assert.equal(shown.employee.maxOpenLeads, 25)
    const cleared = await setCap(app, admin, counselor.id, null)
    assert.equal((cleared.body.data as { maxOpenLeads: null }).maxOpenLeads, null)
    for (const bad of [-1, 1.5, '3']) {
      const refused = await setCap(app, admin, counselor.id, bad)
      assertError(refused, 400, 'VALIDATION_FAILED')
    }
  })

  test('a counselor at their cap gets 409 AT_CAPACITY on claim, and may claim again once one closes', async () => {
    const counselor = await createEmployee(app)
    await setCap(app, admin, counselor.id, 2)
    const [first, second, third] = [
      await submitEnquiry(app),
      await submitEnquiry(app),
      await submitEnquiry(app),
    ]
    assert.equal((await claim(app, String(first), counselor.token)).status, 200)
    assert.equal((await claim(app, String(second), counselor.token)).status, 200)
    const refused = await claim(app, String(third), counselor.token)
    assertError(refused, 409, 'AT_CAPACITY')
    assert.equal(refused.body.message, 'You already hold 2 open enquiries, your limit')
    const [row] = await app.db
      .select()
      .from(enquiries)
      .where(eq(enquiries.id, String(third)))
    assert.equal(row?.status, 'unclaimed', 'the lead stays in the pool')

    assert.equal((await setStatus(app, String(first), 'contacted', counselor.token)).status, 200)
    assertError(await claim(app, String(third), counselor.token), 409, 'AT_CAPACITY')
    assert.equal((await setStatus(app, String(first), 'converted', counselor.token)).status, 200)
    assert.equal((await claim(app, String(third), counselor.token)).status, 200)
    // At a cap of one, the message counts in the singular.
    await setCap(app, admin, counselor.id, 1)
    await setStatus(app, String(second), 'lost', counselor.token)
    const single = await claim(app, await submitEnquiry(app), counselor.token)
    assertError(single, 409, 'AT_CAPACITY')
    assert.equal(single.body.message, 'You already hold 1 open enquiry, your limit')
  })

  test('a cap of 0 refuses every claim; claims by others and of taken leads answer as before', async () => {
    const capped = await createEmployee(app)
    const other = await createEmployee(app)
    await setCap(app, admin, capped.id, 0)
    const id = await submitEnquiry(app)
    assertError(await claim(app, id, capped.token), 409, 'AT_CAPACITY')
    assert.equal((await claim(app, id, other.token)).status, 200)
    assertError(await claim(app, id, capped.token), 409, 'ENQUIRY_ALREADY_CLAIMED')
    assertError(
      await claim(app, 'aaaaaaaaaaaaaaaaaaaaaaaa', capped.token),
      404,
      'ENQUIRY_NOT_FOUND',
    )
  })

  test('of many simultaneous claims by a capped counselor, exactly the cap succeed', async () => {
    const counselor = await createEmployee(app)
    await setCap(app, admin, counselor.id, 3)
    const ids = await Promise.all(Array.from({ length: 12 }, () => submitEnquiry(app)))
    const results = await Promise.all(ids.map((id) => claim(app, id, counselor.token)))
    const statuses = results.map((result) => result.status)
    assert.equal(statuses.filter((status) => status === 200).length, 3, JSON.stringify(statuses))
    for (const result of results.filter((r) => r.status !== 200)) {
      assertError(result, 409, 'AT_CAPACITY')
    }
    assert.equal(await openLeadsOf(app, counselor.id), 3)
  })

  test('an admin may assign beyond a cap, and the assigned entry says so', async () => {
    const counselor = await createEmployee(app)
    await setCap(app, admin, counselor.id, 1)
    const held = await submitEnquiry(app)
    await claim(app, held, counselor.token)
    const id = await submitEnquiry(app)
    const assigned = await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/assign`,
      token: admin.token,
      payload: { employeeId: counselor.id },
    })
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body))
    assert.equal(await openLeadsOf(app, counselor.id), 2)
    const entries = (
      (await detail(app, id, admin.token)).body.data as { activity: Record<string, unknown>[] }
    ).activity
    const entry = entries.find((e) => e.type === 'assigned')
    assert.deepEqual(entry?.overCapacity, { openLeads: 1, maxOpenLeads: 1 })
    assert.match(String(entry?.reason), /beyond/)

    const underCap = await createEmployee(app)
    await setCap(app, admin, underCap.id, 5)
    const another = await submitEnquiry(app)
    await call(app, {
      method: 'POST',
      url: `/api/enquiries/${another}/assign`,
      token: admin.token,
      payload: { employeeId: underCap.id },
    })
    const plain = (
      (await detail(app, another, admin.token)).body.data as { activity: Record<string, unknown>[] }
    ).activity.find((e) => e.type === 'assigned')
    assert.equal(plain?.overCapacity, undefined, 'under the cap, nothing is said')
  })
})
