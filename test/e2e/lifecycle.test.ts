import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serverDatabase } from '../support/database.js'
import { type ServerProcess, startServer } from '../support/server.js'

const ADMIN = {
  ADMIN_EMAIL: 'ops@example.com',
  ADMIN_PASSWORD: 'ops-password-123',
  ADMIN_NAME: 'Ops',
}

const form = (i: number) => ({
  name: `Student ${i}`,
  email: `student${i}-${Date.now()}@example.com`,
  phone: `555${String(1_000_000 + i)}`,
  courseInterest: 'Web Development',
})

async function submit(server: ServerProcess, i: number): Promise<{ status: number; id?: string }> {
  const response = await fetch(`${server.url}/api/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(form(i)),
  })
  const body = (await response.json()) as { success: boolean; data?: { id: string } }
  if (response.status === 503) assert.equal(body.success, false, 'a refusal is in the error format')
  return { status: response.status, id: body.data?.id }
}

async function adminToken(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }),
  })
  return ((await response.json()) as { data: { token: string } }).data.token
}

async function storedIds(server: ServerProcess): Promise<Set<string>> {
  const token = await adminToken(server)
  const response = await fetch(`${server.url}/api/enquiries?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const body = (await response.json()) as { data: { _id: string }[] }
  return new Set(body.data.map((e) => e._id))
}

/** A production server on its own database, with an admin to read back what was stored. */
async function productionEnv(t: { after: (fn: () => Promise<void>) => void }) {
  const database = await serverDatabase()
  t.after(() => database.dispose())
  return {
    NODE_ENV: 'production',
    JWT_SECRET: 's'.repeat(40),
    DATABASE_URL: database.url,
    ENQUIRY_RATE_LIMIT_MAX: '1000',
    ...ADMIN,
  }
}

describe('the server process lifecycle', () => {
  test('SIGTERM with requests in flight: each completes or was never accepted, then exit 0 with every acknowledged write kept', async (t) => {
    const env = await productionEnv(t)
    const server = await startServer(env)
    t.after(() => server.stop('SIGKILL'))

    let firstAcknowledged: () => void = () => {}
    const someAcknowledged = new Promise<void>((resolve) => {
      firstAcknowledged = resolve
    })
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      submit(server, i).then(
        (result) => {
          if (result.status === 201) firstAcknowledged()
          return result
        },
        (error: unknown) => ({ status: 0, error }),
      ),
    )
    // Stop as soon as the first write is acknowledged, with the rest still on their way.
    await someAcknowledged
    const exitCode = server.stop('SIGTERM')
    const results = await Promise.all(inFlight)
    assert.equal(await exitCode, 0, server.output())

    // 201: done and acknowledged; 503 or a refused/reset connection: never accepted.
    for (const result of results)
      assert.ok([201, 503, 0].includes(result.status), JSON.stringify(result))
    const acknowledged = results.flatMap((r) =>
      'id' in r && r.status === 201 && r.id ? [r.id] : [],
    )
    assert.ok(acknowledged.length > 0)

    const again = await startServer(env)
    t.after(() => again.stop('SIGKILL'))
    const stored = await storedIds(again)
    for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged enquiry ${id} is stored`)
    assert.equal(stored.size, acknowledged.length, 'nothing that was refused got stored')
  })

  test('an acknowledged write survives SIGKILL', async (t) => {
    const env = await productionEnv(t)
    const server = await startServer(env)
    const { status, id } = await submit(server, 1)
    assert.equal(status, 201)
    await server.stop('SIGKILL')

    const again = await startServer(env)
    t.after(() => again.stop('SIGKILL'))
    assert.ok((await storedIds(again)).has(id ?? ''))
  })
})
