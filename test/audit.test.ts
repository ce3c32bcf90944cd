import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { createOrPromoteAdmin } from '../src/modules/employees/service.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  employeeRef,
  fieldErrors,
  type TestEmployee,
} from './support/app.js'
import { submitEnquiry } from './support/enquiries.js'
import { auditEntries } from './support/privacy.js'

const patchEmployee = (
  app: FastifyInstance,
  admin: TestEmployee,
  id: string,
  payload: Record<string, unknown>,
) => call(app, { method: 'PATCH', url: `/api/employees/${id}`, token: admin.token, payload })

const ref = (employee: TestEmployee) => {
  const { id: _id, ...rest } = employeeRef(employee)
  return rest
}

describe('GET /api/audit', () => {
  test('a CSV export leaves one entry: who, which filters (not the search text), how many rows', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    await submitEnquiry(app, { source: 'event' })
    await submitEnquiry(app, { source: 'event' })
    await submitEnquiry(app, { source: 'referral' })
    const exported = await call(app, {
      method: 'GET',
      url: '/api/enquiries/export?format=csv&source=event&q=example.com',
      token: admin.token,
    })
    assert.equal(exported.status, 200)
    assert.equal(exported.response.body.trim().split('\r\n').length, 3, 'header and two rows')
    const { data } = await auditEntries(app, admin.token)
    assert.equal(data.length, 1)
    const [entry] = data
    assert.equal(entry?.action, 'enquiries.exported')
    assert.equal(entry?.actor?._id, admin.id)
    assert.ok(Math.abs(Date.parse(entry?.at ?? '') - Date.now()) < 60_000)
    assert.deepEqual(entry?.details, {
      filters: { source: 'event', q: '[not recorded]' },
      rows: 2,
      complete: true,
    })
  })

  test('changes of role and activation each leave one entry; a rename, a no-op or a refused change none', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const employee = ref(counselor)
    assert.equal(
      (await patchEmployee(app, admin, counselor.id, { name: counselor.name })).status,
      200,
    )
    await patchEmployee(app, admin, counselor.id, { role: 'counselor' })
    assertError(
      await patchEmployee(app, admin, admin.id, { isActive: false }),
      409,
      'CANNOT_CHANGE_SELF',
    )
    assert.equal((await auditEntries(app, admin.token)).total, 0)

    await patchEmployee(app, admin, counselor.id, { role: 'admin' })
    await patchEmployee(app, admin, counselor.id, { isActive: false })
    await patchEmployee(app, admin, counselor.id, { isActive: true, role: 'counselor' })
    const { data } = await auditEntries(app, admin.token)
    assert.deepEqual(
      data.map((entry) => [entry.action, entry.actor?._id, entry.details]).reverse(),
      [
        ['employee.role_changed', admin.id, { employee, from: 'counselor', to: 'admin' }],
        ['employee.deactivated', admin.id, { employee }],
        ['employee.role_changed', admin.id, { employee, from: 'admin', to: 'counselor' }],
        ['employee.reactivated', admin.id, { employee }],
      ],
    )
  })

  test('routing rules created, changed and removed, and SLA settings saved, each leave one entry; a refused change none', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const rules = (
      method: 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: Record<string, unknown>,
    ) => call(app, { method, url: `/api/routing-rules${url}`, token: admin.token, payload })
    const created = await rules('POST', '', {
      name: 'MBA leads',
      position: 1,
      strategy: 'round_robin',
      counselorIds: [counselor.id],
    })
    assert.equal(created.status, 201)
    const ruleId = (created.body.data as { _id: string })._id
    assert.equal((await rules('PATCH', `/${ruleId}`, { active: false })).status, 200)
    assert.equal((await rules('PATCH', `/${ruleId}`, { counselorIds: [admin.id] })).status, 400)
    assert.equal((await rules('DELETE', `/${ruleId}`)).status, 200)
    const sla = {
      enabled: true,
      firstContact: { high: 'PT30M', medium: 'PT4H', low: 'P1D' },
      businessHours: null,
      onBreach: 'notify',
      warnBefore: 'PT10M',
    }
    const saved = await call(app, {
      method: 'PUT',
      url: '/api/settings/sla',
      token: admin.token,
      payload: sla,
    })
    assert.equal(saved.status, 200)

    const { data } = await auditEntries(app, admin.token)
    assert.deepEqual(
      data.map((entry) => entry.action),
      [
        'sla_settings.changed',
        'routing_rule.deleted',
        'routing_rule.updated',
        'routing_rule.created',
      ],
    )
    for (const entry of data) assert.equal(entry.actor?._id, admin.id)
    const rule = { _id: ruleId, name: 'MBA leads' }
    assert.deepEqual(data[1]?.details, { rule })
    assert.deepEqual(data[2]?.details, { rule, changes: { active: false } })
    assert.deepEqual((data[3]?.details as { rule?: unknown } | undefined)?.rule, rule)
    assert.deepEqual(data[0]?.details, { settings: sla })
  })

  test('create-admin promoting and reactivating someone is recorded as the system’s doing', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    await patchEmployee(app, admin, counselor.id, { isActive: false })
    await createOrPromoteAdmin(app.db, { email: counselor.email, name: 'x', password: undefined })
    const { data } = await auditEntries(app, admin.token)
    const employee = ref(counselor)
    assert.deepEqual(
      data.slice(0, 2).map((entry) => [entry.action, entry.actor, entry.details]),
      [
        ['employee.reactivated', null, { employee, via: 'create-admin' }],
        [
          'employee.role_changed',
          null,
          { employee, from: 'counselor', to: 'admin', via: 'create-admin' },
        ],
      ],
    )
  })

  test('newest first, paged, filtered by action and by actor', async (t) => {
    const app = await buildTestApp(t)
    const first = await createEmployee(app, { role: 'admin' })
    const second = await createEmployee(app, { role: 'admin' })
    const exportAs = (admin: TestEmployee) =>
      call(app, { method: 'GET', url: '/api/enquiries/export', token: admin.token })
    const counselor = await createEmployee(app)
    await exportAs(first)
    await patchEmployee(app, second, counselor.id, { isActive: false })
    await exportAs(second)
    await exportAs(first)

    const all = await auditEntries(app, first.token)
    assert.equal(all.total, 4)
    const times = all.data.map((entry) => Date.parse(entry.at))
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    )
    assert.deepEqual(
      all.data.map((entry) => [entry.action, entry.actor?._id]),
      [
        ['enquiries.exported', first.id],
        ['enquiries.exported', second.id],
        ['employee.deactivated', second.id],
        ['enquiries.exported', first.id],
      ],
    )
    const page2 = await call(app, {
      method: 'GET',
      url: '/api/audit?limit=3&page=2',
      token: first.token,
    })
    assert.deepEqual(
      [page2.body.count, page2.body.total, page2.body.page, page2.body.pages],
      [1, 4, 2, 2],
    )
    assert.deepEqual(
      (page2.body.data as { _id: string; id: string }[]).map((entry) => entry.id),
      [all.data[3]?._id],
    )
    const exports = await auditEntries(app, first.token, '&action=enquiries.exported')
    assert.equal(exports.total, 3)
    const bySecond = await auditEntries(app, first.token, `&actorId=${second.id}`)
    assert.deepEqual(
      bySecond.data.map((entry) => entry.action),
      ['enquiries.exported', 'employee.deactivated'],
    )
    const both = await auditEntries(
      app,
      first.token,
      `&actorId=${first.id}&action=employee.deactivated`,
    )
    assert.equal(both.total, 0)
  })

  test('a bad filter is a 400 naming it', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    for (const [query, field] of [
      ['action=enquiries.deleted', 'action'],
      ['actorId=nobody', 'actorId'],
      ['limit=101', 'limit'],
    ]) {
      const result = await call(app, {
        method: 'GET',
        url: `/api/audit?${query}`,
        token: admin.token,
      })
      assertError(result, 400, 'VALIDATION_FAILED')
      assert.deepEqual(
        fieldErrors(result.body).map((error) => error.field),
        [field],
      )
    }
  })

  test('entries cannot be changed or deleted: through the API there is no way, and the database refuses', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    await call(app, { method: 'GET', url: '/api/enquiries/export', token: admin.token })
    const [entry] = (await auditEntries(app, admin.token)).data
    assert.ok(entry)
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of [`/api/audit/${entry._id}`, '/api/audit']) {
        const result = await call(app, { method, url, token: admin.token, payload: {} })
        assertError(result, 404, 'ROUTE_NOT_FOUND')
      }
    }
    await assert.rejects(app.db.execute(sql`UPDATE audit_log SET details = '{}'`))
    await assert.rejects(app.db.execute(sql`DELETE FROM audit_log`))
    await assert.rejects(app.db.execute(sql`TRUNCATE audit_log`))
    const [still] = (await auditEntries(app, admin.token)).data
    assert.deepEqual(still, entry)
  })
})
