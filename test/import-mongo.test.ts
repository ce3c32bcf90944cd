import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/client.js'
import { employees, enquiries, notes } from '../src/db/schema/index.js'
import { importMongoData } from '../src/modules/migration/mongo-import.js'
import { buildTestApp, call, testConfig } from './support/app.js'
import { serverDatabase, targetOf } from './support/database.js'
import { runScript } from './support/server.js'

const fixtures = join(import.meta.dirname, 'fixtures', 'mongo')
const fixture = (name: string) => join(fixtures, name)

/** `empty`: not yet created, as for the import that starts a new installation (it migrates). */
async function scratchDatabase(
  t: { after: (fn: () => Promise<void>) => void },
  options: { empty?: boolean } = {},
) {
  const database = await serverDatabase(options)
  t.after(() => database.dispose())
  return { url: database.url, open: () => openDatabase(targetOf(database.url)) }
}

async function counts(app: FastifyInstance) {
  const count = async (table: typeof employees | typeof enquiries | typeof notes) =>
    (await app.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n
  return {
    employees: await count(employees),
    enquiries: await count(enquiries),
    notes: await count(notes),
  }
}

describe('npm run import:mongo', () => {
  test('imports mongoexport files (canonical lines and a relaxed array), keeping ids, owners, notes and bcrypt passwords', async (t) => {
    const database = await scratchDatabase(t, { empty: true })
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'silent' }
    const args = [
      '--employees',
      fixture('employees.jsonl'),
      '--enquiries',
      fixture('enquiries.json'),
    ]
    const first = await runScript('import-mongo.mjs', env, args)
    assert.equal(first.code, 0, first.stderr)
    assert.match(
      first.stdout,
      /read 6, imported 3 employees, 3 enquiries and 2 notes, already present 0, skipped 0, mapped 3/,
    )
    assert.match(first.stdout, /mapped {3}employees\.jsonl line 3: role "manager" → counselor/)
    assert.match(first.stdout, /mapped {3}enquiries\.json record 3: source "tiktok" → other/)
    assert.match(first.stdout, /mapped {3}enquiries\.json record 3: priority \(missing\) → medium/)

    const again = await runScript('import-mongo.mjs', env, args)
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /imported 0 employees, 0 enquiries and 0 notes, already present 6/)

    const app = await buildApp(testConfig(), { database: await database.open() })
    t.after(() => app.close())
    assert.deepEqual(
      await counts(app),
      { employees: 3, enquiries: 3, notes: 2 },
      'the second run changed nothing',
    )

    // The counselor logs in with the old bcrypt password ($2a$), which becomes argon2id.
    const john = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'john@example.com', password: 'legacy-password' },
    })
    assert.equal(john.status, 200)
    assert.equal(
      (john.body.data as { employee: { id: string } }).employee.id,
      '6542abc123def456789a0002',
    )
    const [johnRow] = await app.db
      .select()
      .from(employees)
      .where(sql`${employees.id} = '6542abc123def456789a0002'`)
    assert.match(johnRow?.passwordHash ?? '', /^\$argon2id\$/)

    const grace = await call(app, {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'grace@example.com', password: 'admin-legacy-pw' },
    })
    const token = (grace.body.data as { token: string }).token
    const bob = await call(app, {
      method: 'GET',
      url: '/api/enquiries/6542fedcba98765432100002',
      token,
    })
    assert.equal(bob.status, 200)
    const data = bob.body.data as Record<string, unknown> & {
      notes: { _id: string; text: string; addedBy: { _id: string } | null; addedAt: string }[]
      activity: { type: string }[]
    }
    assert.equal(data.status, 'contacted')
    assert.equal(data.phone, '+1 (555) 010-2000')
    assert.deepEqual(data.claimedBy, {
      _id: '6542abc123def456789a0002',
      id: '6542abc123def456789a0002',
      name: 'John Doe',
      email: 'john@example.com',
    })
    assert.equal(data.claimedAt, '2024-11-03T11:00:00.000Z')
    assert.equal(data.createdAt, '2024-11-03T10:45:00.000Z')
    assert.deepEqual(
      data.notes.map((n) => [n.text, n.addedBy?._id, n.addedAt]),
      [
        [
          'Called the student, interested in our course',
          '6542abc123def456789a0002',
          '2024-11-03T11:30:00.000Z',
        ],
        ['Sent the brochure', '6542abc123def456789a0002', '2024-11-04T09:00:00.000Z'],
      ],
    )
    assert.equal(data.notes[0]?._id, '6542fedcba98765432109001', 'note ids are kept')
    assert.deepEqual(
      data.activity.map((a) => a.type),
      ['created', 'claimed', 'note_added', 'note_added'],
    )

    const chen = (
      await call(app, { method: 'GET', url: '/api/enquiries/6542fedcba98765432100003', token })
    ).body.data as Record<string, unknown>
    assert.deepEqual([chen.status, chen.source, chen.priority], ['converted', 'other', 'medium'])
    const manny = (
      await call(app, { method: 'GET', url: '/api/employees/6542abc123def456789a0003', token })
    ).body.data as Record<string, unknown>
    assert.deepEqual([manny.role, manny.isActive], ['counselor', false])
    const pool = await call(app, { method: 'GET', url: '/api/enquiries/unclaimed', token })
    assert.deepEqual(
      (pool.body.data as { _id: string }[]).map((e) => e._id),
      ['6542fedcba98765432100001'],
    )
  })

  test('a file with broken records imports nothing and names each line; exit code 1', async (t) => {
    const database = await scratchDatabase(t)
    const result = await runScript(
      'import-mongo.mjs',
      { DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
      ['--enquiries', fixture('broken-enquiries.jsonl')],
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /broken-enquiries\.jsonl: line 2: not valid Extended JSON/)
    assert.match(result.stderr, /broken-enquiries\.jsonl line 3: email is missing/)
    assert.match(
      result.stderr,
      /broken-enquiries\.jsonl line 4: claimedBy 6542abc123def4567890ffff is not an imported or existing employee/,
    )
    assert.match(result.stderr, /Nothing was imported/)
    const app = await buildApp(testConfig(), { database: await database.open() })
    t.after(() => app.close())
    assert.deepEqual(await counts(app), { employees: 0, enquiries: 0, notes: 0 })
  })

  test('--skip-invalid imports the good records and reports the rest', async (t) => {
    const app = await buildTestApp(t)
    const text = readFileSync(fixture('broken-enquiries.jsonl'), 'utf8')
    const report = await importMongoData(
      app.db,
      { enquiries: { name: 'broken.jsonl', text } },
      { skipInvalid: true },
    )
    assert.equal(report.read, 4)
    assert.equal(report.imported.enquiries, 1)
    assert.equal(report.skipped.length, 3)
    assert.deepEqual(report.errors, [])
    assert.deepEqual(await counts(app), { employees: 0, enquiries: 1, notes: 0 })
  })

  test('an open lead that duplicates one already open here is refused', async (t) => {
    const app = await buildTestApp(t)
    await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: {
        name: 'Alice Again',
        email: 'alice@example.com',
        phone: '5550000000',
        courseInterest: 'Web',
      },
    })
    const text = readFileSync(fixture('enquiries.json'), 'utf8')
    const employeesText = readFileSync(fixture('employees.jsonl'), 'utf8')
    const report = await importMongoData(
      app.db,
      {
        employees: { name: 'employees.jsonl', text: employeesText },
        enquiries: { name: 'enquiries.json', text },
      },
      { skipInvalid: false },
    )
    assert.equal(report.errors.length, 1)
    assert.match(
      report.errors[0] ?? '',
      /record 1: enquiry [0-9a-f]{24} is already open for the same email or phone/,
    )
    assert.deepEqual(await counts(app), { employees: 0, enquiries: 1, notes: 0 })
  })
})
