import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { errorCodeNames, errorCodes } from '../src/error-codes.js'
import { buildAppWithStaff, call, type TestEmployee } from './support/app.js'
import { claim, submitEnquiry } from './support/enquiries.js'

let app: FastifyInstance
let admin: TestEmployee
let counselor: TestEmployee

before(async () => {
  ;({ app, admin, counselor } = await buildAppWithStaff())
})
after(() => app.close())

/** Codes only a race the tests cannot force produces, each with where it is exercised instead. */
const UNFORCEABLE: Record<string, string> = {
  SUBMISSION_CONFLICT:
    'a submission whose open lead closes between its insert and its retry, three times in a row',
  SHUTTING_DOWN: 'a request that lands between SIGTERM and the last response: test/e2e/lifecycle',
}

async function testSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile() && /\.(test|spec)\.ts$/.test(e.name))
  return Promise.all(files.map((e) => readFile(`${e.parentPath}/${e.name}`, 'utf8')))
}

describe('error codes', () => {
  test('docs/api.md lists every code with its status, and no other', async () => {
    const text = await readFile(new URL('../docs/api.md', import.meta.url), 'utf8')
    const table = text.slice(text.indexOf('### Error codes'))
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(
      ([, code, status]) => `${code} ${status}`,
    )
    assert.deepEqual(
      documented,
      errorCodeNames.map((code) => `${code} ${errorCodes[code].status}`),
    )
  })

  test("the OpenAPI document's error schema enumerates exactly these codes", async () => {
    const { body } = await call(app, { method: 'GET', url: '/api/openapi.json' })
    const paths = body.paths as Record<string, Record<string, { responses: object }>>
    const claimed = paths['/api/enquiries/{id}/claim']?.post?.responses as Record<
      string,
      { content: Record<string, { schema: { properties: { code: { enum: string[] } } } }> }
    >
    const code = claimed['409']?.content['application/json']?.schema.properties.code
    assert.deepEqual(code?.enum, errorCodeNames)
  })

  test('every code is asserted by some test, so none can silently change', async () => {
    const sources = [
      ...(await testSources(new URL('.', import.meta.url).pathname)),
      ...(await testSources(new URL('../web/e2e', import.meta.url).pathname)),
    ].filter((source) => !source.includes('const UNFORCEABLE'))
    const unasserted = errorCodeNames.filter(
      (code) =>
        !(code in UNFORCEABLE) && !sources.some((source) => new RegExp(`\\b${code}'`).test(source)),
    )
    assert.deepEqual(unasserted, [])
  })
})

describe('names clients of the seed read', () => {
  test('list and detail items, and the employees they name, carry id beside _id', async () => {
    const id = await submitEnquiry(app)
    await claim(app, id, counselor.token)
    await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/notes`,
      token: counselor.token,
      payload: { text: 'Called, keen on the spring intake' },
    })
    await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/assign`,
      token: admin.token,
      payload: { employeeId: admin.id },
    })
    const objectsWithId: Record<string, unknown>[] = []
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect)
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>
        if ('_id' in record) objectsWithId.push(record)
        Object.values(record).forEach(collect)
      }
    }
    for (const url of [
      `/api/enquiries/${id}`,
      '/api/enquiries?limit=5',
      '/api/enquiries/my-enquiries',
      '/api/employees',
      `/api/employees/${counselor.id}`,
      '/api/stats',
    ]) {
      const { status, body } = await call(app, { method: 'GET', url, token: admin.token })
      assert.equal(status, 200, url)
      collect(body.data)
    }
    // The detail alone names: the enquiry, its owner, the note and its author, and the activity's
    // actors, assignee and previous owner.
    assert.ok(objectsWithId.length >= 10, `${objectsWithId.length} items`)
    for (const item of objectsWithId) assert.equal(item.id, item._id, JSON.stringify(item))
  })
})
