import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { and, desc, eq, type SQL } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { enquiries } from '../src/db/schema/index.js'
import { buildAppWithStaff, call, type TestEmployee } from './support/app.js'
import { claim, list, matchesSearch, submitEnquiry } from './support/enquiries.js'

// `q` is answered through trigram indexes now; what it matches must not change: matchesSearch
// is the predicate it had before them, run on the same database.

const NAMES = [
  'Emeka Okafor',
  'Ngozi OKAFOR-Eze',
  'Aisha Haddad',
  'Élodie Brûlé',
  'Wei Chen',
  '100% Sure',
  '100 Percent',
  'Snake_Case Kid',
  'SnakeXCase Kid',
  'Back\\Slash Person',
  'Backslash Person',
  'Line\nBreak',
  'Ok',
  'Kofi Mensah',
]

const SEARCHES = [
  'afo', // inside a word
  'OKAFOR',
  'oKaFoR',
  'okafor-e',
  'Haddad',
  'élodie',
  'ÉLODIE',
  'brûlé',
  '%',
  '100%',
  '_',
  'e_c',
  '\\',
  'k\\s',
  '0100', // phone digits
  '770 010', // phone as written
  '+44',
  '@example',
  'haddad4@ex', // email
  'O', // one and two characters: no trigram to use
  'ok',
  'Ok',
  'line\nbreak', // a line break inside one field
  'break\nline', // never in one field
  'okafor\nemeka', // across two fields: never a match
  '  ',
  'zzz',
  'a',
]

describe('Searching enquiries with q', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  let counselor: TestEmployee
  before(async () => {
    ;({ app, admin, counselor } = await buildAppWithStaff())
    const courses = ['MBA', 'Nursing']
    const sources = ['website', 'referral', 'event']
    const priorities = ['low', 'medium', 'high']
    for (const [i, name] of NAMES.entries()) {
      for (const copy of [0, 1]) {
        const n = i * 2 + copy
        const slug = name.toLowerCase().replace(/[^a-z]+/g, '-')
        const id = await submitEnquiry(app, {
          name,
          email: `${slug}${n}@example.com`,
          phone: `+44 770 ${String(100 + n).padStart(4, '0')}${n % 10}`,
          courseInterest: courses[n % 2],
          source: sources[n % 3],
          priority: priorities[n % 3],
        })
        // Every other copy leaves the pool: the admin list sees both, the pool one.
        if (copy === 1) assert.equal((await claim(app, id, counselor.token)).status, 200)
      }
    }
  })
  after(() => app.close())

  /** The ids `q` matched before, newest first, among rows the condition selects. */
  async function expected(q: string, condition?: SQL): Promise<string[]> {
    const rows = await app.db
      .select({ id: enquiries.id })
      .from(enquiries)
      .where(and(condition, matchesSearch(q)))
      .orderBy(desc(enquiries.createdAt), desc(enquiries.id))
    return rows.map((row) => row.id)
  }

  const query = (params: Record<string, string>) => new URLSearchParams(params).toString()

  test('the oracle finds what a person would expect', async () => {
    const namesOf = async (q: string) => {
      const rows = await app.db
        .selectDistinct({ name: enquiries.name })
        .from(enquiries)
        .where(matchesSearch(q))
      return rows.map((row) => row.name).sort()
    }
    assert.deepEqual(await namesOf('afo'), ['Emeka Okafor', 'Ngozi OKAFOR-Eze'])
    assert.deepEqual(await namesOf('%'), ['100% Sure'])
    assert.deepEqual(await namesOf('e_c'), ['Snake_Case Kid'])
    assert.deepEqual(await namesOf('k\\s'), ['Back\\Slash Person'])
    assert.deepEqual(await namesOf('okafor\nemeka'), [])
    assert.deepEqual(await namesOf('line\nbreak'), ['Line\nBreak'])
  })

  test('in the pool, q matches exactly the rows it matched before, with the same total', async () => {
    for (const q of SEARCHES) {
      const want = await expected(q, eq(enquiries.status, 'unclaimed'))
      const { status, body } = await list(
        app,
        `/api/enquiries/unclaimed?${query({ q, limit: '100' })}`,
        counselor.token,
      )
      assert.equal(status, 200, JSON.stringify(q))
      assert.deepEqual(
        body.data.map((e) => e._id),
        want,
        JSON.stringify(q),
      )
      assert.equal(body.total, want.length, JSON.stringify(q))
    }
  })

  test('in the admin list, q matches exactly the rows it matched before, with the same total', async () => {
    for (const q of SEARCHES) {
      const want = await expected(q)
      const { body } = await list(app, `/api/enquiries?${query({ q, limit: '100' })}`, admin.token)
      assert.deepEqual(
        body.data.map((e) => e._id),
        want,
        JSON.stringify(q),
      )
      assert.equal(body.total, want.length, JSON.stringify(q))
    }
  })

  test('q combined with the pool filters, each sort and paging returns exactly the right rows and total', async () => {
    const combinations: [Record<string, string>, SQL | undefined][] = [
      [{ courseInterest: 'MBA' }, eq(enquiries.courseInterest, 'MBA')],
      [{ priority: 'high' }, eq(enquiries.priority, 'high')],
      [{ source: 'referral' }, eq(enquiries.source, 'referral')],
      [
        { courseInterest: 'Nursing', priority: 'low', source: 'event' },
        and(
          eq(enquiries.courseInterest, 'Nursing'),
          eq(enquiries.priority, 'low'),
          eq(enquiries.source, 'event'),
        ),
      ],
    ]
    for (const q of ['okafor', 'e', '%', 'o', 'line\nbreak', '770']) {
      for (const [filters, condition] of combinations) {
        const want = await expected(q, and(eq(enquiries.status, 'unclaimed'), condition))
        // Two rows a page, newest first: the pages joined are the whole answer, in order.
        const seen: string[] = []
        for (let page = 1; page <= Math.max(1, Math.ceil(want.length / 2)); page++) {
          const { body } = await list(
            app,
            `/api/enquiries/unclaimed?${query({ q, ...filters, limit: '2', page: String(page) })}`,
            counselor.token,
          )
          assert.equal(body.total, want.length, JSON.stringify({ q, filters }))
          seen.push(...body.data.map((e) => e._id))
        }
        assert.deepEqual(seen, want, JSON.stringify({ q, filters }))
        for (const sort of ['oldest', 'priority']) {
          const { body } = await list(
            app,
            `/api/enquiries/unclaimed?${query({ q, ...filters, sort, limit: '100' })}`,
            counselor.token,
          )
          assert.deepEqual(
            body.data.map((e) => e._id).sort(),
            [...want].sort(),
            JSON.stringify({ q, filters, sort }),
          )
        }
      }
    }
  })

  test('q combined with status and owner in the admin list, and in the export', async () => {
    for (const q of ['okafor', 'Kid', '\\', 'ok']) {
      const claimed = await expected(q, eq(enquiries.status, 'claimed'))
      const byStatus = await list(
        app,
        `/api/enquiries?${query({ q, status: 'claimed', limit: '100' })}`,
        admin.token,
      )
      assert.deepEqual(
        byStatus.body.data.map((e) => e._id),
        claimed,
        q,
      )
      assert.equal(byStatus.body.total, claimed.length, q)

      const held = await expected(q, eq(enquiries.claimedBy, counselor.id))
      const byOwner = await list(
        app,
        `/api/enquiries?${query({ q, claimedBy: counselor.id, limit: '100' })}`,
        admin.token,
      )
      assert.deepEqual(
        byOwner.body.data.map((e) => e._id),
        held,
        q,
      )
      assert.equal(byOwner.body.total, held.length, q)

      const csv = await call(app, {
        method: 'GET',
        url: `/api/enquiries/export?${query({ q })}`,
        token: admin.token,
      })
      const records = parse(csv.response.body, { columns: true }) as unknown[]
      assert.equal(records.length, (await expected(q)).length, q)
    }
  })
})
