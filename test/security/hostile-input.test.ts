import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { enquiries } from '../../src/db/schema/index.js'
import {
  assertError,
  buildTestApp,
  call,
  createEmployee,
  fieldErrors,
  type TestEmployee,
  uniqueEmail,
} from '../support/app.js'
import { detail, enquiryForm, list, submitEnquiry } from '../support/enquiries.js'

let app: FastifyInstance
let admin: TestEmployee
before(async () => {
  app = await buildTestApp(undefined, {
    NODE_ENV: 'production',
    JWT_SECRET: 'p'.repeat(40),
    LOG_LEVEL: 'silent',
    BODY_LIMIT: '4096',
  })
  admin = await createEmployee(app, { role: 'admin' })
})
after(() => app.close())

const submitRaw = (payload: string, contentType = 'application/json') =>
  call(app, {
    method: 'POST',
    url: '/api/enquiries',
    headers: { 'content-type': contentType },
    payload,
  })

const storedByEmail = (email: string) =>
  app.db.select().from(enquiries).where(eq(enquiries.email, email))

/** Nothing a client sees may name the stack, the SQL or the libraries underneath. */
function assertNothingLeaks(body: string): void {
  assert.doesNotMatch(
    body,
    /\bat .+:\d+|node_modules|\.ts\b|\.js\b|select |insert |update |drizzle|postgres|pglite|fastify|ajv/i,
  )
}

describe('hostile request bodies', () => {
  test('a body over BODY_LIMIT is a 413', async () => {
    const email = uniqueEmail('big')
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: { ...enquiryForm({ email }), message: 'x'.repeat(5000) },
    })
    assert.equal(status, 413)
    assert.equal(body.success, false)
    assert.equal((await storedByEmail(email)).length, 0)
  })

  test('invalid JSON is a 400 and a non-JSON content type a 415', async () => {
    const invalid = await submitRaw('{"name": "Alice",')
    assert.equal(invalid.status, 400)
    assert.equal(invalid.body.code, 'INVALID_JSON')
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      const { status, body } = await submitRaw('name=Alice', type)
      assert.equal(status, 415, type)
      assert.equal(body.success, false)
    }
  })

  test('__proto__ and constructor.prototype payloads are refused and pollute nothing', async () => {
    const email = uniqueEmail('proto')
    const form = JSON.stringify(enquiryForm({ email }))
    const payloads = [
      `${form.slice(0, -1)},"__proto__":{"polluted":"yes"}}`,
      `${form.slice(0, -1)},"constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"email":"${email}","nested":{"__proto__":{"polluted":"yes"}}}`,
    ]
    for (const payload of payloads) {
      const { status, body } = await submitRaw(payload)
      assert.equal(status, 400, payload)
      assert.equal(body.success, false)
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal((await storedByEmail(email)).length, 0)
  })

  test('operator objects, arrays and numbers where strings belong are refused', async () => {
    const email = uniqueEmail('types')
    for (const bad of [{ $gt: '' }, { $ne: null }, ['Alice'], 12345, true, null]) {
      const { status, body } = await call(app, {
        method: 'POST',
        url: '/api/enquiries',
        payload: { ...enquiryForm({ email }), name: bad },
      })
      assert.equal(status, 400, JSON.stringify(bad))
      assert.deepEqual(
        (body.errors as { field: string }[]).map((e) => e.field),
        ['name'],
      )
    }
    const login = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: { $gt: '' }, password: { $gt: '' } },
    })
    assert.equal(login.status, 400)
    assert.equal((await storedByEmail(email)).length, 0)
  })

  for (const [what, name, message] of [
    [
      'SQL in text is stored as text',
      "Robert'); DROP TABLE enquiries; --",
      '\' OR 1=1 -- \\ % _ " ; SELECT * FROM employees',
    ],
    [
      'emoji and right-to-left text are stored',
      'محمد 🎓 עִברִית 👩🏽‍💻',
      'مرحبا، أريد التسجيل 🙏 — ẞ ǅ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    ],
  ] as const) {
    test(`${what} and returned byte for byte`, async () => {
      const id = await submitEnquiry(app, { name, message })
      const { body } = await detail(app, id, admin.token)
      const data = body.data as { name: string; message: string }
      assert.equal(data.name, name)
      assert.equal(data.message, message)
    })
  }

  test('NUL characters are refused with a 400 naming the field, never a 500', async () => {
    const email = uniqueEmail('nul')
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: { ...enquiryForm({ email }), message: 'before\u0000after' },
    })
    assert.equal(status, 400)
    assert.deepEqual(fieldErrors(body), [
      { field: 'message', message: 'must not contain NUL characters' },
    ])
    assert.equal((await storedByEmail(email)).length, 0)
    const search = await call(app, {
      method: 'GET',
      url: '/api/enquiries/unclaimed?q=a%00b',
      token: admin.token,
    })
    assert.equal(search.status, 400)
  })

  test('10,000-character values are refused by validation (400), not only by the body limit', async (t) => {
    // This suite's app has a 4 KB body limit; a default one lets the long value reach validation.
    const roomy = await buildTestApp(t)
    for (const field of ['name', 'email', 'phone', 'courseInterest', 'message']) {
      const email = uniqueEmail('long')
      const { status, body } = await call(roomy, {
        method: 'POST',
        url: '/api/enquiries',
        payload: { ...enquiryForm({ email }), [field]: 'a'.repeat(10_000) },
      })
      assert.equal(status, 400, field)
      assert.deepEqual(
        (body.errors as { field: string }[]).map((e) => e.field),
        [field],
      )
      const stored = await roomy.db.select().from(enquiries).where(eq(enquiries.email, email))
      assert.equal(stored.length, 0)
    }
  })

  test('search treats %, _ and \\ literally', async () => {
    const marker = `lit${Date.now()}`
    await submitEnquiry(app, { name: `${marker} 100% sure` })
    await submitEnquiry(app, { name: `${marker} under_score` })
    await submitEnquiry(app, { name: `${marker} back\\slash` })
    await submitEnquiry(app, { name: `${marker} plain` })
    const search = async (q: string) =>
      (
        await list(app, `/api/enquiries/unclaimed?q=${encodeURIComponent(q)}`, admin.token)
      ).body.data.map((e) => e.name)
    assert.deepEqual(await search(`${marker} 100%`), [`${marker} 100% sure`])
    assert.deepEqual(await search('under_score'), [`${marker} under_score`])
    assert.deepEqual(await search('back\\slash'), [`${marker} back\\slash`])
    assert.equal((await search(`${marker}%`)).length, 0)
    assert.equal((await search(`${marker} _lain`)).length, 0)
  })
})

describe('hostile paths and query strings', () => {
  test('malformed ids are a 400 on every id route, never a 500', async () => {
    const ids = [
      '1',
      'g'.repeat(24),
      'A'.repeat(24),
      `${'a'.repeat(24)}0`,
      "x' OR '1'='1",
      '%00',
      '..%2F..%2Fetc%2Fpasswd',
      '{"$gt":""}',
    ]
    const routes = [
      ['GET', ''],
      ['POST', '/claim'],
      ['PUT', '/status'],
      ['POST', '/notes'],
      ['POST', '/release'],
    ] as const
    for (const id of ids) {
      for (const [method, suffix] of routes) {
        const { status, response } = await call(app, {
          method,
          url: `/api/enquiries/${encodeURIComponent(id)}${suffix}`,
          token: admin.token,
          ...(method === 'PUT'
            ? { payload: { status: 'contacted' } }
            : method === 'POST' && suffix === '/notes'
              ? { payload: { text: 'x' } }
              : {}),
        })
        assert.equal(status, 400, `${method} ${id}${suffix}`)
        assertNothingLeaks(response.body)
      }
    }
  })

  test('page and limit far out of range, negative, fractional or repeated are a 400', async () => {
    for (const query of [
      'page=99999999999999999999',
      'page=-5',
      'limit=1e3',
      'page=1&page=1',
      'limit=',
      'page=NaN',
      'limit=Infinity',
    ]) {
      const { status } = await list(app, `/api/enquiries/unclaimed?${query}`, admin.token)
      assert.equal(status, 400, query)
    }
  })
})

describe('what a production error reveals', () => {
  test('no response to hostile input names a stack, SQL, a file or a library', async () => {
    const bodies = [
      await submitRaw('{"name":'),
      await submitRaw('[1,2,3]'),
      await submitRaw('"just a string"'),
      await submitRaw('null'),
      await submitRaw('{"__proto__":{}}'),
      await call(app, {
        method: 'GET',
        url: '/api/enquiries/unclaimed?page=abc',
        token: admin.token,
      }),
      await call(app, {
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: 'Bearer ey.ey.ey' },
      }),
      await call(app, { method: 'DELETE', url: '/api/enquiries' }),
    ]
    for (const { status, response } of bodies) {
      assert.ok(status >= 400 && status < 500, `${status} ${response.body}`)
      assertNothingLeaks(response.body)
    }
  })
})

describe('deeply nested JSON', () => {
  const nested = (depth: number, inner = '') =>
    `${'['.repeat(depth - 1)}${inner}${']'.repeat(depth - 1)}`

  test('a body nested 10,000 deep is a 400 naming the limit on every route, known or not', async (t) => {
    const roomy = await buildTestApp(t)
    const payload = `{"name":${nested(10_000)}}`
    for (const url of ['/api/enquiries', '/api/auth/login', '/api/no-such-route']) {
      const { status, body } = await call(roomy, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload,
      })
      assertError({ status, body }, 400, 'VALIDATION_FAILED')
      assert.deepEqual(fieldErrors(body), [
        { field: 'body', message: 'must not nest more than 64 levels deep' },
      ])
      assert.deepEqual(Object.keys(body).sort(), ['code', 'errors', 'message', 'success'], url)
    }
  })

  test('64 levels are accepted and 65 refused, counting the body itself', async () => {
    const email = uniqueEmail('depth')
    const form = JSON.stringify(enquiryForm({ email })).slice(0, -1)
    // The body is level 1, so `extra` may hold 63 more levels.
    const deepest = await submitRaw(`${form},"extra":${nested(64)}}`)
    assert.equal(deepest.status, 201, JSON.stringify(deepest.body))
    const tooDeep = await submitRaw(`${form},"extra":${nested(65)}}`)
    assert.equal(tooDeep.status, 400)
    assert.equal((await storedByEmail(email)).length, 1)
  })

  test('a NUL character deep inside a body is named by its path', async () => {
    const email = uniqueEmail('nul-deep')
    const form = JSON.stringify(enquiryForm({ email })).slice(0, -1)
    const { status, body } = await submitRaw(`${form},"extra":{"list":[1,{"x":"a\\u0000b"}]}}`)
    assert.equal(status, 400)
    assert.deepEqual(fieldErrors(body), [
      { field: 'extra.list.1.x', message: 'must not contain NUL characters' },
    ])
    assert.equal((await storedByEmail(email)).length, 0)
  })
})

describe('query strings the API does not read', () => {
  test('array-style parameters are a 400 naming the parameter, not silently dropped', async () => {
    for (const [url, parameter] of [
      ['/api/enquiries/unclaimed?priority[]=high', 'priority[]'],
      ['/api/enquiries?q[]=a', 'q[]'],
      ['/api/enquiries?status[0]=new&limit=5', 'status[0]'],
    ] as const) {
      const { status, body } = await call(app, { method: 'GET', url, token: admin.token })
      assert.equal(status, 400, url)
      assert.deepEqual(fieldErrors(body), [
        {
          field: parameter,
          message: 'is not supported: send the parameter once, without brackets',
        },
      ])
    }
  })
})

describe('dates out of range', () => {
  test('from and to outside the years 1900 to 2999 are a 400 on the list, the stats and the export', async () => {
    for (const path of ['/api/enquiries', '/api/stats', '/api/enquiries/export']) {
      for (const [field, value] of [
        ['from', '0000-01-01'],
        ['to', '9999-12-31'],
        ['from', '1899-12-31T23:59:59Z'],
        ['to', '3000-01-01'],
      ] as const) {
        const { status, body, response } = await call(app, {
          method: 'GET',
          url: `${path}?${field}=${value}`,
          token: admin.token,
        })
        assert.equal(status, 400, `${path} ${field}=${value}`)
        assert.deepEqual(fieldErrors(body), [
          {
            field,
            message: 'must be a date (YYYY-MM-DD) or ISO 8601 date-time between 1900 and 2999',
          },
        ])
        assert.equal(response.headers['content-disposition'], undefined)
      }
    }
    const edges = await call(app, {
      method: 'GET',
      url: '/api/enquiries?from=1900-01-01&to=2999-12-31',
      token: admin.token,
    })
    assert.equal(edges.status, 200)
  })

  test('an export that fails answers in the error format, not as a file', async (t) => {
    const broken = await buildTestApp(t)
    const boss = await createEmployee(broken, { role: 'admin' })
    // This app's own database: the export's query now fails after the request was accepted.
    await broken.db.execute(sql`ALTER TABLE enquiries RENAME TO enquiries_elsewhere`)
    const { status, body, response } = await call(broken, {
      method: 'GET',
      url: '/api/enquiries/export?format=csv',
      token: boss.token,
    })
    assert.equal(status, 500)
    assert.deepEqual(body, { success: false, message: 'Server Error', code: 'INTERNAL_ERROR' })
    assert.match(String(response.headers['content-type']), /^application\/json/)
    assert.equal(response.headers['content-disposition'], undefined)
  })
})
