import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, asc, desc, eq, gte, isNull, lt, type SQL } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { enquiries } from '../src/db/schema/index.js'
import { buildAppWithStaff, type TestEmployee } from './support/app.js'
import {
  claim,
  list,
  matchesSearch,
  setStatus,
  submitEnquiry,
  walkByCursor,
} from './support/enquiries.js'

/**
 * Every order a list accepts, walked to its end by page number and by cursor, with a search and
 * filters: the pages joined must be exactly the matching rows in that order (no row twice, none
 * missing) and every page must carry the exact total. The expected rows come from a plain query
 * ordered as the API documents each sort; many rows share a creation time (and the claimed ones a
 * claim time), so the id's place in each order is exercised too.
 */

const SORTS = ['newest', 'oldest', 'priority'] as const
type Sort = (typeof SORTS)[number]

const ORDER_BY: Record<Sort, SQL[]> = {
  newest: [desc(enquiries.createdAt), desc(enquiries.id)],
  oldest: [asc(enquiries.createdAt), asc(enquiries.id)],
  priority: [desc(enquiries.priority), asc(enquiries.createdAt), asc(enquiries.id)],
}

const NAMES = ['Emeka Okafor', 'Ngozi Okafor', 'Aisha Haddad', 'Wei Chen', 'Kofi Okafor-Mensah']
const COURSES = ['MBA', 'Nursing']
const SOURCES = ['website', 'referral', 'event']
const PRIORITIES = ['low', 'medium', 'high']
const ENQUIRIES = 60
const LIMIT = 3

/** Five creation instants for sixty enquiries: ties everywhere, broken by the id. */
const createdAtOf = (n: number) => new Date(Date.UTC(2026, 0, 1 + (n % 5)))
const FROM = '2026-01-02T00:00:00.000Z'
const TO = '2026-01-05T00:00:00.000Z'

describe('Every list order walked to its end with a search and filters (GET /api/enquiries/unclaimed, GET /api/enquiries, GET /api/enquiries/my-enquiries)', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  let counselor: TestEmployee
  before(async () => {
    ;({ app, admin, counselor } = await buildAppWithStaff())
    for (let n = 0; n < ENQUIRIES; n++) {
      const name = NAMES[n % NAMES.length] ?? ''
      const id = await submitEnquiry(app, {
        name: `${name} ${n}`,
        email: `${name.split(' ')[0]?.toLowerCase()}${n}@example.com`,
        phone: `+44 770 900 ${String(n).padStart(3, '0')}`,
        courseInterest: COURSES[n % 2],
        source: SOURCES[n % 3],
        priority: PRIORITIES[Math.floor(n / 2) % 3],
      })
      await app.db
        .update(enquiries)
        .set({ createdAt: createdAtOf(n) })
        .where(eq(enquiries.id, id))
      // Two in five leave the pool, to the counselor; some of those move on.
      if (n % 5 < 2) {
        assert.equal((await claim(app, id, counselor.token)).status, 200)
        // Three claim instants: recently-claimed order has ties as well.
        const claimedAt = new Date(Date.UTC(2026, 1, 1 + (n % 3)))
        await app.db.update(enquiries).set({ claimedAt }).where(eq(enquiries.id, id))
        if (n % 3 === 0)
          assert.equal((await setStatus(app, id, 'contacted', counselor.token)).status, 200)
      }
    }
  })
  after(() => app.close())

  async function expected(order: SQL[], ...conditions: (SQL | undefined)[]): Promise<string[]> {
    const rows = await app.db
      .select({ id: enquiries.id })
      .from(enquiries)
      .where(and(...conditions))
      .orderBy(...order)
    return rows.map((row) => row.id)
  }

  /** Pages 1, 2, … by number up to one past the last: the ids shown, and each page's total. */
  async function walkByPage(base: string, token: string) {
    const seen: string[] = []
    const totals = new Set<number>()
    for (let page = 1; ; page++) {
      const { status, body } = await list(app, `${base}&page=${page}`, token)
      assert.equal(status, 200, `${base} page ${page}: ${JSON.stringify(body)}`)
      totals.add(body.total)
      seen.push(...body.data.map((e) => e._id))
      if (body.data.length === 0) {
        assert.equal(page, body.pages + 1, `${base}: pages says where the list ends`)
        return { seen, totals: [...totals] }
      }
      assert.ok(page <= ENQUIRIES, `${base}: the walk ends`)
    }
  }

  /** Both walks of one list must each be exactly `want`, with `want.length` as every total. */
  async function assertWalks(base: string, token: string, want: string[], cursors = true) {
    assert.ok(want.length > LIMIT || base.includes('zzz'), `${base}: the case spans pages`)
    const byPage = await walkByPage(base, token)
    assert.deepEqual(byPage.seen, want, `${base}, by page`)
    assert.deepEqual(byPage.totals, [want.length], `${base}, by page: the total`)
    if (!cursors) return
    const byCursor = await walkByCursor(app, base, token)
    assert.deepEqual(byCursor.seen, want, `${base}, by cursor`)
    assert.equal(byCursor.last.total, want.length, `${base}, by cursor: the total`)
    assert.deepEqual(
      byCursor.pages,
      byCursor.pages.map((_, i) => i + 1),
      `${base}, by cursor: page numbers carry on`,
    )
  }

  const url = (path: string, params: Record<string, string>) =>
    `${path}?${new URLSearchParams({ ...params, limit: String(LIMIT) })}`

  test('the pool: each sort, by page and by cursor, with q and the pool filters', async () => {
    const cases: [Record<string, string>, (SQL | undefined)[]][] = [
      [{}, []],
      [{ courseInterest: 'MBA' }, [eq(enquiries.courseInterest, 'MBA')]],
      [{ q: 'okafor' }, [matchesSearch('okafor')]],
      [
        { q: 'OKAF', courseInterest: 'MBA' },
        [matchesSearch('OKAF'), eq(enquiries.courseInterest, 'MBA')],
      ],
      [
        { q: '@example', priority: 'high', source: 'referral' },
        [
          matchesSearch('@example'),
          eq(enquiries.priority, 'high'),
          eq(enquiries.source, 'referral'),
        ],
      ],
      [{ q: '900 01' }, [matchesSearch('900 01')]],
      [{ q: 'a' }, [matchesSearch('a')]], // one character: no trigram to use
      [{ q: 'zzz' }, [matchesSearch('zzz')]],
    ]
    for (const sort of SORTS) {
      for (const [params, conditions] of cases) {
        const want = await expected(
          ORDER_BY[sort],
          eq(enquiries.status, 'unclaimed'),
          ...conditions,
        )
        await assertWalks(
          url('/api/enquiries/unclaimed', { ...params, sort }),
          counselor.token,
          want,
        )
      }
    }
  })

  test('the admin list: each sort, by page and by cursor, with q, status, owner, dates and the other filters', async () => {
    const cases: [Record<string, string>, (SQL | undefined)[]][] = [
      [{}, []],
      [{ q: 'okafor' }, [matchesSearch('okafor')]],
      [{ q: 'o', source: 'event' }, [matchesSearch('o'), eq(enquiries.source, 'event')]],
      [
        { q: 'okafor', status: 'claimed' },
        [matchesSearch('okafor'), eq(enquiries.status, 'claimed')],
      ],
      [
        { q: 'example', status: 'unclaimed' },
        [matchesSearch('example'), eq(enquiries.status, 'unclaimed')],
      ],
      [
        { q: 'example.com', claimedBy: counselor.id },
        [matchesSearch('example.com'), eq(enquiries.claimedBy, counselor.id)],
      ],
      [
        { q: '@', claimedBy: 'none', courseInterest: 'Nursing' },
        [matchesSearch('@'), isNull(enquiries.claimedBy), eq(enquiries.courseInterest, 'Nursing')],
      ],
      [
        { q: 'example', from: FROM, to: TO, priority: 'low' },
        [
          matchesSearch('example'),
          gte(enquiries.createdAt, new Date(FROM)),
          lt(enquiries.createdAt, new Date(TO)),
          eq(enquiries.priority, 'low'),
        ],
      ],
      [{ status: 'claimed' }, [eq(enquiries.status, 'claimed')]],
    ]
    for (const sort of SORTS) {
      for (const [params, conditions] of cases) {
        const want = await expected(ORDER_BY[sort], ...conditions)
        await assertWalks(url('/api/enquiries', { ...params, sort }), admin.token, want)
      }
    }
  })

  test('my-enquiries: most recently claimed first, by page, with and without a status', async () => {
    const mine = eq(enquiries.claimedBy, counselor.id)
    const recentlyClaimed = [desc(enquiries.claimedAt), desc(enquiries.id)]
    await assertWalks(
      url('/api/enquiries/my-enquiries', {}),
      counselor.token,
      await expected(recentlyClaimed, mine),
      false,
    )
    await assertWalks(
      url('/api/enquiries/my-enquiries', { status: 'claimed' }),
      counselor.token,
      await expected(recentlyClaimed, mine, eq(enquiries.status, 'claimed')),
      false,
    )
  })
})
