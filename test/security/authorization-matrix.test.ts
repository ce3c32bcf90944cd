import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { createSigner } from 'fast-jwt'
import type { FastifyInstance } from 'fastify'
import { employees, webhookDeliveries, webhooks } from '../../src/db/schema/index.js'
import { buildTestApp, call, createEmployee, TEST_JWT_SECRET, uniqueEmail } from '../support/app.js'
import { claim, enquiryForm, submitEnquiry } from '../support/enquiries.js'

type Principal = 'anonymous' | 'owner' | 'otherCounselor' | 'admin' | 'deactivated' | 'expired'
const principals: Principal[] = [
  'anonymous',
  'owner',
  'otherCounselor',
  'admin',
  'deactivated',
  'expired',
]

interface Row {
  route: string
  /** Builds the request for one cell; `enquiry` is a fresh enquiry claimed by the owner. */
  request: (enquiry: string) => {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
    url: string
    payload?: Record<string, unknown>
  }
  expected: Record<Principal, number>
  /** This row needs an unclaimed enquiry instead. */
  unclaimed?: boolean
}

const ALL_401 = { anonymous: 401, deactivated: 401, expired: 401 }
const ADMIN_ONLY = { ...ALL_401, owner: 403, otherCounselor: 403, admin: 200 }
/** Ids the rows need, filled in before the suite runs. */
const people = { ownerId: '', ruleId: '', webhookId: '', doomedWebhookId: '', deliveryId: '' }
const UNKNOWN_RULE = 'aaaaaaaaaaaaaaaaaaaaaaaa'

// What the product intends, route by route: a counselor never reads or changes another
// counselor's lead through any route; revoked and expired tokens get nowhere.
const matrix: Row[] = [
  {
    route: 'POST /api/enquiries (public form)',
    request: () => ({ method: 'POST', url: '/api/enquiries', payload: enquiryForm() }),
    expected: {
      anonymous: 201,
      owner: 201,
      otherCounselor: 201,
      admin: 201,
      deactivated: 201,
      expired: 201,
    },
  },
  {
    route: 'GET /api/auth/me',
    request: () => ({ method: 'GET', url: '/api/auth/me' }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'PATCH /api/auth/me',
    request: () => ({ method: 'PATCH', url: '/api/auth/me', payload: { available: true } }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'POST /api/auth/register (a counselor)',
    request: () => ({
      method: 'POST',
      url: '/api/auth/register',
      payload: { name: 'New Hire', email: uniqueEmail(), password: 'password123' },
    }),
    expected: {
      anonymous: 201,
      owner: 201,
      otherCounselor: 201,
      admin: 201,
      deactivated: 401,
      expired: 401,
    },
  },
  {
    route: 'POST /api/auth/register (an admin)',
    request: () => ({
      method: 'POST',
      url: '/api/auth/register',
      payload: { name: 'New Boss', email: uniqueEmail(), password: 'password123', role: 'admin' },
    }),
    expected: {
      anonymous: 403,
      owner: 403,
      otherCounselor: 403,
      admin: 201,
      deactivated: 401,
      expired: 401,
    },
  },
  {
    route: 'PUT /api/auth/password',
    request: () => ({
      method: 'PUT',
      url: '/api/auth/password',
      payload: { currentPassword: 'wrong-password', newPassword: 'another password' },
    }),
    expected: { ...ALL_401, owner: 400, otherCounselor: 400, admin: 400 },
  },
  {
    route: 'GET /api/enquiries/unclaimed',
    request: () => ({ method: 'GET', url: '/api/enquiries/unclaimed' }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'GET /api/enquiries/my-enquiries',
    request: () => ({ method: 'GET', url: '/api/enquiries/my-enquiries' }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'GET /api/enquiries/:id (claimed)',
    request: (id) => ({ method: 'GET', url: `/api/enquiries/${id}` }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 403, admin: 200 },
  },
  {
    route: 'GET /api/enquiries/:id (unclaimed)',
    unclaimed: true,
    request: (id) => ({ method: 'GET', url: `/api/enquiries/${id}` }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'POST /api/enquiries/:id/claim (unclaimed)',
    unclaimed: true,
    request: (id) => ({ method: 'POST', url: `/api/enquiries/${id}/claim` }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'POST /api/enquiries/:id/claim (claimed)',
    request: (id) => ({ method: 'POST', url: `/api/enquiries/${id}/claim` }),
    expected: { ...ALL_401, owner: 409, otherCounselor: 409, admin: 409 },
  },
  {
    route: 'PUT /api/enquiries/:id/status',
    request: (id) => ({
      method: 'PUT',
      url: `/api/enquiries/${id}/status`,
      payload: { status: 'contacted' },
    }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 403, admin: 200 },
  },
  {
    route: 'PUT /api/enquiries/:id/status (unclaimed)',
    unclaimed: true,
    request: (id) => ({
      method: 'PUT',
      url: `/api/enquiries/${id}/status`,
      payload: { status: 'contacted' },
    }),
    expected: { ...ALL_401, owner: 403, otherCounselor: 403, admin: 409 },
  },
  {
    route: 'POST /api/enquiries/:id/notes',
    request: (id) => ({
      method: 'POST',
      url: `/api/enquiries/${id}/notes`,
      payload: { text: 'A note' },
    }),
    expected: { ...ALL_401, owner: 201, otherCounselor: 403, admin: 201 },
  },
  {
    route: 'POST /api/enquiries/:id/release',
    request: (id) => ({ method: 'POST', url: `/api/enquiries/${id}/release` }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 403, admin: 200 },
  },
  {
    route: 'GET /api/enquiries (admin list)',
    request: () => ({ method: 'GET', url: '/api/enquiries' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/enquiries/export',
    request: () => ({ method: 'GET', url: '/api/enquiries/export?format=csv' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/enquiries/:id/assign',
    unclaimed: true,
    request: (id) => ({
      method: 'POST',
      url: `/api/enquiries/${id}/assign`,
      payload: { employeeId: people.ownerId },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/stats',
    request: () => ({ method: 'GET', url: '/api/stats' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/employees',
    request: () => ({ method: 'GET', url: '/api/employees' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/employees/:id',
    request: () => ({ method: 'GET', url: `/api/employees/${people.ownerId}` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'PATCH /api/employees/:id',
    request: () => ({
      method: 'PATCH',
      url: `/api/employees/${people.ownerId}`,
      payload: { name: 'Renamed Owner' },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/webhooks',
    request: () => ({
      method: 'POST',
      url: '/api/webhooks',
      payload: { url: 'https://receiver.example.com/hooks', events: ['*'] },
    }),
    expected: { ...ADMIN_ONLY, admin: 201 },
  },
  {
    route: 'GET /api/webhooks',
    request: () => ({ method: 'GET', url: '/api/webhooks' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/webhooks/:id',
    request: () => ({ method: 'GET', url: `/api/webhooks/${people.webhookId}` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'PATCH /api/webhooks/:id',
    request: () => ({
      method: 'PATCH',
      url: `/api/webhooks/${people.webhookId}`,
      payload: { description: 'renamed' },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'DELETE /api/webhooks/:id',
    request: () => ({ method: 'DELETE', url: `/api/webhooks/${people.doomedWebhookId}` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/webhooks/:id/rotate-secret',
    request: () => ({ method: 'POST', url: `/api/webhooks/${people.webhookId}/rotate-secret` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/webhooks/:id/deliveries',
    request: () => ({ method: 'GET', url: `/api/webhooks/${people.webhookId}/deliveries` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/webhooks/:id/deliveries/:deliveryId/retry',
    request: () => ({
      method: 'POST',
      url: `/api/webhooks/${people.webhookId}/deliveries/${people.deliveryId}/retry`,
    }),
    expected: { ...ADMIN_ONLY, admin: 202 },
  },
  {
    route: 'POST /api/webhooks/:id/test',
    request: () => ({ method: 'POST', url: `/api/webhooks/${people.webhookId}/test` }),
    expected: { ...ADMIN_ONLY, admin: 202 },
  },
  {
    route: 'GET /api/audit',
    request: () => ({ method: 'GET', url: '/api/audit' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/privacy/subject',
    request: () => ({ method: 'GET', url: `/api/privacy/subject?email=${uniqueEmail()}` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/privacy/erase',
    request: () => ({
      method: 'POST',
      url: '/api/privacy/erase',
      payload: { email: uniqueEmail(), reason: 'authorization matrix' },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/routing-rules',
    request: () => ({ method: 'GET', url: '/api/routing-rules' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'POST /api/routing-rules',
    request: () => ({
      method: 'POST',
      url: '/api/routing-rules',
      payload: { name: 'Matrix', position: 1000, active: false, strategy: 'pool' },
    }),
    expected: { ...ADMIN_ONLY, admin: 201 },
  },
  {
    route: 'GET /api/routing-rules/:id',
    request: () => ({ method: 'GET', url: `/api/routing-rules/${people.ruleId}` }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'PATCH /api/routing-rules/:id',
    request: () => ({
      method: 'PATCH',
      url: `/api/routing-rules/${people.ruleId}`,
      payload: { name: 'Renamed' },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'GET /api/enquiries/follow-ups',
    request: () => ({ method: 'GET', url: '/api/enquiries/follow-ups?when=upcoming' }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 200, admin: 200 },
  },
  {
    route: 'PUT /api/enquiries/:id/follow-up',
    request: (enquiry) => ({
      method: 'PUT',
      url: `/api/enquiries/${enquiry}/follow-up`,
      payload: { at: '2030-01-01T10:00:00Z' },
    }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 403, admin: 200 },
  },
  {
    route: 'DELETE /api/enquiries/:id/follow-up',
    request: (enquiry) => ({ method: 'DELETE', url: `/api/enquiries/${enquiry}/follow-up` }),
    expected: { ...ALL_401, owner: 200, otherCounselor: 403, admin: 200 },
  },
  {
    route: 'GET /api/settings/sla',
    request: () => ({ method: 'GET', url: '/api/settings/sla' }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'PUT /api/settings/sla',
    request: () => ({
      method: 'PUT',
      url: '/api/settings/sla',
      payload: {
        enabled: false,
        firstContact: { high: 'PT30M', medium: 'PT4H', low: 'P1D' },
        businessHours: null,
        onBreach: 'notify',
        warnBefore: null,
      },
    }),
    expected: ADMIN_ONLY,
  },
  {
    route: 'DELETE /api/routing-rules/:id',
    // An unknown id: the admin's cell is the 404 that follows authorization.
    request: () => ({ method: 'DELETE', url: `/api/routing-rules/${UNKNOWN_RULE}` }),
    expected: { ...ADMIN_ONLY, admin: 404 },
  },
]

/**
 * Routes outside the matrix: anyone may call the first three on purpose; the event stream never
 * ends, so test/events.test.ts checks who may open it and what each caller receives.
 */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'GET /ready',
  'POST /api/auth/login',
  'GET /api/events',
])

describe('authorization matrix: every route × every kind of caller', () => {
  let app: FastifyInstance
  let tokens: Record<Principal, string | undefined>
  let ownerToken: string

  before(async () => {
    app = await buildTestApp()
    const owner = await createEmployee(app)
    const otherCounselor = await createEmployee(app)
    const admin = await createEmployee(app, { role: 'admin' })
    const deactivated = await createEmployee(app)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, deactivated.id))
    const now = Math.floor(Date.now() / 1000)
    const expired = createSigner({ key: TEST_JWT_SECRET })({
      sub: owner.id,
      role: 'counselor',
      ver: 0,
      iat: now - 100,
      exp: now - 1,
    })
    ownerToken = owner.token
    people.ownerId = owner.id
    const rule = await call(app, {
      method: 'POST',
      url: '/api/routing-rules',
      token: admin.token,
      payload: { name: 'Matrix rule', position: 1000, active: false, strategy: 'pool' },
    })
    people.ruleId = String((rule.body.data as { _id: string })._id)
    // Endpoints nothing is subscribed to but what the rows send; a settled delivery to retry.
    const [webhook, doomed] = await app.db
      .insert(webhooks)
      .values([
        { url: 'https://receiver.example.com/a', events: ['webhook.none'], secret: 'whsec_AAAA' },
        { url: 'https://receiver.example.com/b', events: ['webhook.none'], secret: 'whsec_AAAA' },
      ])
      .returning()
    people.webhookId = webhook?.id ?? ''
    people.doomedWebhookId = doomed?.id ?? ''
    const [delivery] = await app.db
      .insert(webhookDeliveries)
      .values({
        webhookId: people.webhookId,
        eventId: people.webhookId,
        eventType: 'webhook.test',
        eventAt: new Date(),
        status: 'failed',
        attempts: 1,
      })
      .returning()
    people.deliveryId = delivery?.id ?? ''
    tokens = {
      anonymous: undefined,
      owner: owner.token,
      otherCounselor: otherCounselor.token,
      admin: admin.token,
      deactivated: deactivated.token,
      expired,
    }
  })
  after(() => app.close())

  test('every route in the OpenAPI document has a row here (or is public by design)', async () => {
    const { body } = await call(app, { method: 'GET', url: '/api/openapi.json' })
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map(
        (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      ),
    )
    const covered = new Set(matrix.map((row) => row.route.split(' ').slice(0, 2).join(' ')))
    const missing = documented.filter((route) => !covered.has(route) && !PUBLIC_ROUTES.has(route))
    assert.deepEqual(missing, [], 'add each new route to the matrix')
  })

  for (const row of matrix) {
    test(row.route, async () => {
      const actual: Partial<Record<Principal, number>> = {}
      for (const principal of principals) {
        const enquiry = await submitEnquiry(app)
        if (!row.unclaimed) assert.equal((await claim(app, enquiry, ownerToken)).status, 200)
        const { status, body } = await call(app, {
          ...row.request(enquiry),
          token: tokens[principal],
        })
        if (status >= 400) assert.equal(body.success, false, `${principal}: error format`)
        actual[principal] = status
      }
      assert.deepEqual(actual, row.expected)
    })
  }
})
