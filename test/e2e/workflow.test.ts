import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildTestApp } from '../support/app.js'
import { request as requestOver } from '../support/server.js'

interface ApiBody {
  success: boolean
  message?: string
  code?: string
  total?: number
  count?: number
  data?: unknown
}
const dataOf = <T>(body: ApiBody) => body.data as T
const idsOf = (body: ApiBody) => dataOf<{ _id: string }[]>(body).map((e) => e._id)

/** The seed README's "Testing Workflow", step by step, over a real HTTP socket. */
describe('the seed testing workflow', () => {
  test('two counselors share the pool and exactly one may claim each enquiry', async (t) => {
    const app = await buildTestApp(t)
    const base = await app.listen({ port: 0, host: '127.0.0.1' })

    const request = (
      method: string,
      path: string,
      options: { token?: string; body?: unknown } = {},
    ) => requestOver<ApiBody>(`${base}/api`, method, path, options)

    // Register two employees.
    for (const email of ['counselor1@example.com', 'counselor2@example.com']) {
      const registered = await request('POST', '/auth/register', {
        body: { name: 'Counselor', email, password: 'password123' },
      })
      assert.equal(registered.status, 201)
    }
    // Login with Employee 1 and save the token.
    const login1 = await request('POST', '/auth/login', {
      body: { email: 'counselor1@example.com', password: 'password123' },
    })
    assert.equal(login1.status, 200)
    const token1 = dataOf<{ token: string }>(login1.body).token

    // Submit 5 enquiries using the public form endpoint (no auth).
    const ids: string[] = []
    for (let i = 1; i <= 5; i++) {
      const submitted = await request('POST', '/enquiries', {
        body: {
          name: `Student ${i}`,
          email: `student${i}@example.com`,
          phone: `123456789${i}`,
          courseInterest: 'Web Development',
        },
      })
      assert.equal(submitted.status, 201)
      ids.push(dataOf<{ id: string }>(submitted.body).id)
    }

    // Get unclaimed enquiries with Employee 1's token (should see all 5).
    const pool1 = await request('GET', '/enquiries/unclaimed?page=1&limit=10', { token: token1 })
    assert.equal(pool1.status, 200)
    assert.equal(pool1.body.total, 5)
    assert.equal(pool1.body.count, 5)

    // Claim 2 enquiries with Employee 1's token.
    for (const id of ids.slice(0, 2)) {
      assert.equal((await request('POST', `/enquiries/${id}/claim`, { token: token1 })).status, 200)
    }

    // Get unclaimed enquiries again (should see only 3 remaining).
    const pool2 = await request('GET', '/enquiries/unclaimed?page=1&limit=10', { token: token1 })
    assert.equal(pool2.body.total, 3)
    const remaining = idsOf(pool2.body).sort()

    // Login with Employee 2 and get unclaimed enquiries (should see the same 3).
    const login2 = await request('POST', '/auth/login', {
      body: { email: 'counselor2@example.com', password: 'password123' },
    })
    const token2 = dataOf<{ token: string }>(login2.body).token
    const pool3 = await request('GET', '/enquiries/unclaimed?page=1&limit=10', { token: token2 })
    assert.deepEqual(idsOf(pool3.body).sort(), remaining)

    // Claim 1 enquiry with Employee 2's token.
    assert.equal(
      (await request('POST', `/enquiries/${ids[2]}/claim`, { token: token2 })).status,
      200,
    )

    // Get my enquiries for Employee 1 (should see 2 claimed) and Employee 2 (should see 1).
    const mine1 = await request('GET', '/enquiries/my-enquiries?page=1', { token: token1 })
    assert.equal(mine1.body.total, 2)
    assert.deepEqual(idsOf(mine1.body).sort(), ids.slice(0, 2).sort())
    const mine2 = await request('GET', '/enquiries/my-enquiries?page=1', { token: token2 })
    assert.equal(mine2.body.total, 1)
    assert.deepEqual(idsOf(mine2.body), [ids[2]])

    // Try to claim an already claimed enquiry (should fail with an error).
    const again = await request('POST', `/enquiries/${ids[0]}/claim`, { token: token2 })
    assert.equal(again.status, 409)
    assert.equal(again.body.code, 'ENQUIRY_ALREADY_CLAIMED')
  })
})
