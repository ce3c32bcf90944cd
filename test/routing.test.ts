import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { activity, employees, enquiries, heldStatuses } from '../src/db/schema/index.js'
import {
  assignByRotation,
  insertEnquiryUnlessOpenDuplicate,
  insertRoutedFromRoster,
} from '../src/modules/enquiries/repository.js'
import { findRoster, ROTATION_REASON } from '../src/modules/routing/service.js'
import {
  assertError,
  buildAppWithAdmin,
  call,
  createEmployee,
  fieldErrors,
  type TestEmployee,
  testConfig,
} from './support/app.js'
import { needsPostgres, sharedDatabase, unmigratedDatabase } from './support/database.js'
import { claim, detail, enquiryForm, submitEnquiry } from './support/enquiries.js'

const createRule = (app: FastifyInstance, token: string, rule: Record<string, unknown>) =>
  call(app, { method: 'POST', url: '/api/routing-rules', token, payload: rule })

async function ownerOf(app: FastifyInstance, id: string) {
  const [row] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
  return row
}

async function entriesOf(app: FastifyInstance, id: string) {
  return app.db.select().from(activity).where(eq(activity.enquiryId, id)).orderBy(activity.at)
}

/** A new enquiry for the routing statement itself, on the given course. */
const rosterForm = (courseInterest: string) => ({
  name: 'Roster Student',
  email: `roster-${Date.now()}-${Math.random()}@example.com`,
  phone: `+44 20 ${Math.floor(Math.random() * 1e8)}`,
  courseInterest,
})

const openLeadsOf = async (app: FastifyInstance, id: string) =>
  (
    await app.db
      .select({ id: enquiries.id })
      .from(enquiries)
      .where(and(eq(enquiries.claimedBy, id), inArray(enquiries.status, [...heldStatuses])))
  ).length

/** How many leads each counselor holds, in the order given. */
const tally = (app: FastifyInstance, counselors: TestEmployee[]) =>
  Promise.all(counselors.map((counselor) => openLeadsOf(app, counselor.id)))

describe('/api/routing-rules', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  test('an admin creates, lists, reads, changes and deletes a rule', async () => {
    const counselor = await createEmployee(app)
    const created = await createRule(app, admin.token, {
      name: 'Web leads',
      position: 5,
      match: { sources: ['website'], courses: ['Web Development'] },
      strategy: 'round_robin',
      counselorIds: [counselor.id],
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const rule = created.body.data as Record<string, unknown>
    assert.equal(rule.name, 'Web leads')
    assert.equal(rule.active, true, 'active by default')
    assert.equal(rule._id, rule.id)
    assert.deepEqual(rule.counselorIds, [counselor.id])
    assert.equal(rule.lastAssignedId, null)
    const id = String(rule._id)

    const listed = await call(app, { method: 'GET', url: '/api/routing-rules', token: admin.token })
    assert.ok((listed.body.data as { _id: string }[]).some((r) => r._id === id))
    const read = await call(app, {
      method: 'GET',
      url: `/api/routing-rules/${id}`,
      token: admin.token,
    })
    assert.deepEqual(read.body.data, rule)

    const changed = await call(app, {
      method: 'PATCH',
      url: `/api/routing-rules/${id}`,
      token: admin.token,
      payload: { active: false, strategy: 'least_loaded' },
    })
    assert.equal(changed.status, 200)
    assert.equal((changed.body.data as { active: boolean }).active, false)
    assert.equal((changed.body.data as { strategy: string }).strategy, 'least_loaded')

    const deleted = await call(app, {
      method: 'DELETE',
      url: `/api/routing-rules/${id}`,
      token: admin.token,
    })
    assert.equal(deleted.status, 200)
    assertError(
      await call(app, { method: 'GET', url: `/api/routing-rules/${id}`, token: admin.token }),
      404,
      'ROUTING_RULE_NOT_FOUND',
    )
  })

  test('unknown ids, admins and inactive employees in counselorIds are a 400 naming them', async () => {
    const otherAdmin = await createEmployee(app, { role: 'admin' })
    const gone = await createEmployee(app)
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, gone.id))
    const unknown = 'aaaaaaaaaaaaaaaaaaaaaaaa'
    const refused = await createRule(app, admin.token, {
      name: 'Bad',
      position: 1,
      strategy: 'round_robin',
      counselorIds: [unknown, otherAdmin.id, gone.id],
    })
    assertError(refused, 400, 'VALIDATION_FAILED')
    const messages = fieldErrors(refused.body)
    assert.ok(messages.every((error) => error.field === 'counselorIds'))
    const text = messages.map((error) => error.message).join(' | ')
    for (const id of [unknown, otherAdmin.id, gone.id]) assert.ok(text.includes(id), text)

    const empty = await createRule(app, admin.token, {
      name: 'Nobody',
      position: 1,
      strategy: 'least_loaded',
      counselorIds: [],
    })
    assertError(empty, 400, 'VALIDATION_FAILED')
    const badMatch = await createRule(app, admin.token, {
      name: 'Bad match',
      position: 1,
      strategy: 'pool',
      match: { sources: ['carrier_pigeon'] },
    })
    assert.deepEqual(
      fieldErrors(badMatch.body).map((error) => error.field),
      ['match.sources.0'],
    )
  })
})

describe('routing new enquiries', () => {
  let app: FastifyInstance
  let admin: TestEmployee
  before(async () => ({ app, admin } = await buildAppWithAdmin()))
  after(() => app.close())

  // Each test uses its own course, so rules of other tests never match its enquiries.
  let courseCount = 0
  const freshCourse = () => `Routing Course ${++courseCount} ${Date.now()}`

  test('round_robin gives each new enquiry to the next counselor, with an assigned entry naming the rule', async () => {
    const course = freshCourse()
    const counselors = [
      await createEmployee(app),
      await createEmployee(app),
      await createEmployee(app),
    ]
    const rule = await createRule(app, admin.token, {
      name: 'Rotation',
      position: 1,
      match: { courses: [course.toUpperCase()] },
      strategy: 'round_robin',
      counselorIds: counselors.map((c) => c.id),
    })
    const ruleId = String((rule.body.data as { _id: string })._id)
    const owners: (string | null | undefined)[] = []
    for (let i = 0; i < 6; i++) {
      const response = await call(app, {
        method: 'POST',
        url: '/api/enquiries',
        payload: enquiryForm({ courseInterest: course }),
      })
      assert.equal(response.status, 201)
      const data = response.body.data as Record<string, unknown>
      assert.deepEqual(
        Object.keys(data).sort(),
        ['courseInterest', 'email', 'id', 'name', 'submittedAt'],
        'the public response reveals nothing about routing',
      )
      const row = await ownerOf(app, String(data.id))
      assert.equal(row?.status, 'claimed')
      owners.push(row?.claimedBy)
    }
    const ids = counselors.map((c) => c.id)
    assert.deepEqual(owners, [...ids, ...ids])

    const [first] = await app.db
      .select()
      .from(enquiries)
      .where(eq(enquiries.courseInterest, course))
      .orderBy(enquiries.createdAt)
      .limit(1)
    const view = (await detail(app, String(first?.id), admin.token)).body.data as {
      activity: Record<string, unknown>[]
    }
    const assigned = view.activity.find((entry) => entry.type === 'assigned')
    assert.deepEqual(assigned?.rule, { _id: ruleId, name: 'Rotation' })
    assert.equal(assigned?.strategy, 'round_robin')
    assert.equal(assigned?.actor, null, 'no person did it')
    assert.equal(typeof assigned?.reason, 'string')
    assert.equal((assigned?.employee as { _id?: string } | undefined)?._id, counselors[0]?.id)
  })

  test('routing skips counselors who are away, at their cap or inactive; with nobody eligible the lead stays in the pool and the entry says why', async () => {
    const course = freshCourse()
    const [away, full, gone, ready] = [
      await createEmployee(app),
      await createEmployee(app),
      await createEmployee(app),
      await createEmployee(app),
    ]
    if (!away || !full || !gone || !ready) throw new Error('setup')
    await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: away.token,
      payload: { available: false },
    })
    await call(app, {
      method: 'PATCH',
      url: `/api/employees/${full.id}`,
      token: admin.token,
      payload: { maxOpenLeads: 0 },
    })
    await createRule(app, admin.token, {
      name: 'Skips',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: [away.id, full.id, gone.id, ready.id],
    })
    await app.db.update(employees).set({ isActive: false }).where(eq(employees.id, gone.id))
    const id = await submitEnquiry(app, { courseInterest: course })
    assert.equal((await ownerOf(app, id))?.claimedBy, ready.id)

    await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: ready.token,
      payload: { available: false },
    })
    const unrouted = await submitEnquiry(app, { courseInterest: course })
    const row = await ownerOf(app, unrouted)
    assert.deepEqual([row?.status, row?.claimedBy], ['unclaimed', null])
    const entry = (await entriesOf(app, unrouted)).find((e) => e.type === 'left_in_pool')
    assert.match(String(entry?.details.reason), /nobody eligible/)
  })

  test('least_loaded gives it to the counselor with the fewest open leads', async () => {
    const course = freshCourse()
    const [busy, idle] = [await createEmployee(app), await createEmployee(app)]
    if (!busy || !idle) throw new Error('setup')
    for (let i = 0; i < 2; i++) await claim(app, await submitEnquiry(app), busy.token)
    await claim(app, await submitEnquiry(app), idle.token)
    await createRule(app, admin.token, {
      name: 'Balance',
      position: 1,
      match: { courses: [course] },
      strategy: 'least_loaded',
      counselorIds: [busy.id, idle.id],
    })
    const owners = []
    for (let i = 0; i < 3; i++) {
      owners.push(
        (await ownerOf(app, await submitEnquiry(app, { courseInterest: course })))?.claimedBy,
      )
    }
    // idle: 1 → 2 (tie with busy at 2: the rotation after idle picks busy) → idle at 3 vs busy 3…
    assert.deepEqual(owners, [idle.id, busy.id, idle.id])
  })

  test('the first active rule by position decides; sources and priorities must fit; no match or a pool rule leaves it in the pool', async () => {
    const course = freshCourse()
    const [first, second] = [await createEmployee(app), await createEmployee(app)]
    if (!first || !second) throw new Error('setup')
    await createRule(app, admin.token, {
      name: 'Switched off',
      position: 1,
      active: false,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: [second.id],
    })
    await createRule(app, admin.token, {
      name: 'High from events',
      position: 2,
      match: { courses: [course], sources: ['event'], priorities: ['high'] },
      strategy: 'round_robin',
      counselorIds: [first.id],
    })
    await createRule(app, admin.token, {
      name: 'Referrals wait',
      position: 3,
      match: { courses: [course], sources: ['referral'] },
      strategy: 'pool',
    })
    await createRule(app, admin.token, {
      name: 'Later',
      position: 4,
      match: { courses: [course], sources: ['event'] },
      strategy: 'round_robin',
      counselorIds: [second.id],
    })
    const high = await submitEnquiry(app, {
      courseInterest: course,
      source: 'event',
      priority: 'high',
    })
    assert.equal((await ownerOf(app, high))?.claimedBy, first.id)
    const low = await submitEnquiry(app, {
      courseInterest: course,
      source: 'event',
      priority: 'low',
    })
    assert.equal((await ownerOf(app, low))?.claimedBy, second.id, 'the next rule that fits')
    const referral = await submitEnquiry(app, { courseInterest: course, source: 'referral' })
    assert.equal((await ownerOf(app, referral))?.status, 'unclaimed')
    const unmatched = await submitEnquiry(app, { courseInterest: course, source: 'phone' })
    assert.equal((await ownerOf(app, unmatched))?.status, 'unclaimed')
    assert.deepEqual(
      (await entriesOf(app, unmatched)).map((e) => e.type),
      ['created'],
      'no rule matched: exactly as without routing',
    )
  })

  test('a rule deleted while an instance still routes by it leaves the lead in the pool, not a failure', async () => {
    const course = freshCourse()
    const counselor = await createEmployee(app)
    const created = await createRule(app, admin.token, {
      name: 'Going',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: [counselor.id],
    })
    const ruleId = String((created.body.data as { _id: string })._id)
    assert.equal(
      (await ownerOf(app, await submitEnquiry(app, { courseInterest: course })))?.claimedBy,
      counselor.id,
    )
    // What deleting the rule drops, while the rule is still in this instance's cache.
    await app.db.execute(sql.raw(`DROP SEQUENCE "routing_turns_${ruleId}"`))
    const response = await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: enquiryForm({ courseInterest: course }),
    })
    assert.equal(response.status, 201)
    const row = await ownerOf(app, String((response.body.data as { id: string }).id))
    assert.deepEqual([row?.status, row?.claimedBy], ['unclaimed', null])
  })

  test('a resubmission absorbed into an open lead is not routed again', async () => {
    const course = freshCourse()
    const counselors = [await createEmployee(app), await createEmployee(app)]
    await createRule(app, admin.token, {
      name: 'Once',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: counselors.map((c) => c.id),
    })
    const form = enquiryForm({ courseInterest: course })
    const first = await call(app, { method: 'POST', url: '/api/enquiries', payload: form })
    const again = await call(app, { method: 'POST', url: '/api/enquiries', payload: form })
    const id = String((first.body.data as { id: string }).id)
    assert.equal((again.body.data as { id: string }).id, id)
    assert.equal((await ownerOf(app, id))?.claimedBy, counselors[0]?.id)
    assert.deepEqual(
      (await entriesOf(app, id)).map((e) => e.type),
      ['created', 'assigned', 'resubmitted'],
    )
  })

  test('30 simultaneous new enquiries routed round-robin over 3 counselors give each exactly 10', async () => {
    const course = freshCourse()
    const counselors = [
      await createEmployee(app),
      await createEmployee(app),
      await createEmployee(app),
    ]
    await createRule(app, admin.token, {
      name: 'Burst',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: counselors.map((c) => c.id),
    })
    await Promise.all(
      Array.from({ length: 30 }, () => submitEnquiry(app, { courseInterest: course })),
    )
    assert.deepEqual(await tally(app, counselors), [10, 10, 10])
  })

  test('a roster read before a change routes nothing and takes no turn; read afresh, it routes', async () => {
    const course = freshCourse()
    const [first, second] = [await createEmployee(app), await createEmployee(app)]
    if (!first || !second) throw new Error('setup')
    const created = await createRule(app, admin.token, {
      name: 'Roster',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: [first.id, second.id],
    })
    const ruleId = String((created.body.data as { _id: string })._id)
    const stale = await findRoster(app.db, ruleId)
    if (!stale) throw new Error('an active round-robin rule has a roster')
    assert.deepEqual(
      stale.eligible.map((counselor) => counselor._id),
      [first.id, second.id],
    )
    // The first counselor goes away after the roster was read (no instance was told).
    await app.db.update(employees).set({ available: false }).where(eq(employees.id, first.id))
    assert.equal(
      await insertRoutedFromRoster(app.db, rosterForm(course), stale, ROTATION_REASON),
      undefined,
    )
    const [written] = await app.db
      .select({ n: sql<number>`count(*)::int` })
      .from(enquiries)
      .where(eq(enquiries.courseInterest, course))
    assert.equal(written?.n, 0, 'nothing written from a stale roster')

    const fresh = await findRoster(app.db, ruleId)
    if (!fresh) throw new Error('an active round-robin rule has a roster')
    assert.deepEqual(
      fresh.eligible.map((counselor) => counselor._id),
      [second.id],
    )
    const routed = await insertRoutedFromRoster(app.db, rosterForm(course), fresh, ROTATION_REASON)
    assert.equal((await ownerOf(app, String(routed?.id)))?.claimedBy, second.id)
    const entries = await entriesOf(app, String(routed?.id))
    assert.deepEqual(entries.map((entry) => entry.type).sort(), ['assigned', 'created'])
    const assigned = entries.find((entry) => entry.type === 'assigned')
    const details = assigned?.details as { employee: { _id: string }; rule: unknown }
    assert.equal(details.employee._id, second.id)
    assert.deepEqual(details.rule, { _id: ruleId, name: 'Roster' })
    // The stale attempt took no turn: the first of the rule's turns went to this routing.
    const [turn] = (
      (await app.db.execute(
        sql.raw(`SELECT last_value FROM "routing_turns_${ruleId}"`),
      )) as unknown as {
        rows: { last_value: string | number }[]
      }
    ).rows
    assert.equal(Number(turn?.last_value), 0)
  })

  test('a counselor renamed after the roster was read: the stale roster routes nothing, a fresh one names them anew', async () => {
    const course = freshCourse()
    const counselor = await createEmployee(app)
    const created = await createRule(app, admin.token, {
      name: 'Renamed',
      position: 1,
      match: { courses: [course] },
      strategy: 'round_robin',
      counselorIds: [counselor.id],
    })
    const ruleId = String((created.body.data as { _id: string })._id)
    const stale = await findRoster(app.db, ruleId)
    if (!stale) throw new Error('an active round-robin rule has a roster')
    const renamed = await call(app, {
      method: 'PATCH',
      url: `/api/employees/${counselor.id}`,
      token: admin.token,
      payload: { name: 'Renamed Counselor' },
    })
    assert.equal(renamed.status, 200)
    assert.equal(
      await insertRoutedFromRoster(app.db, rosterForm(course), stale, ROTATION_REASON),
      undefined,
    )

    const fresh = await findRoster(app.db, ruleId)
    if (!fresh) throw new Error('an active round-robin rule has a roster')
    const routed = await insertRoutedFromRoster(app.db, rosterForm(course), fresh, ROTATION_REASON)
    const assigned = (await entriesOf(app, String(routed?.id))).find(
      (entry) => entry.type === 'assigned',
    )
    assert.deepEqual((assigned?.details as { employee?: unknown } | undefined)?.employee, {
      _id: counselor.id,
      name: 'Renamed Counselor',
      email: counselor.email,
    })
  })

  test('caps hold while claims and routings race', async () => {
    const course = freshCourse()
    const counselors = [
      await createEmployee(app),
      await createEmployee(app),
      await createEmployee(app),
    ]
    for (const counselor of counselors) {
      await call(app, {
        method: 'PATCH',
        url: `/api/employees/${counselor.id}`,
        token: admin.token,
        payload: { maxOpenLeads: 4 },
      })
    }
    const pool = await Promise.all(Array.from({ length: 12 }, () => submitEnquiry(app)))
    await createRule(app, admin.token, {
      name: 'Capped',
      position: 1,
      match: { courses: [course] },
      strategy: 'least_loaded',
      counselorIds: counselors.map((c) => c.id),
    })
    await Promise.all([
      ...Array.from({ length: 12 }, () => submitEnquiry(app, { courseInterest: course })),
      ...pool.flatMap((id) => counselors.map((counselor) => claim(app, id, counselor.token))),
    ])
    const held = await tally(app, counselors)
    assert.deepEqual(held, [4, 4, 4], 'every place was taken, none beyond the cap')
  })
})

describe('routing across two instances on one database', () => {
  test('30 simultaneous submissions split over two instances give each of 3 counselors exactly 10', async (t) => {
    const shared = await sharedDatabase()
    t.after(() => shared.dispose())
    const first = await buildApp(testConfig(), { database: await shared.open() })
    const second = await buildApp(testConfig(), { database: await shared.open() })
    t.after(async () => {
      await first.close()
      await second.close()
    })
    await Promise.all([first.ready(), second.ready()])
    const admin = await createEmployee(first, { role: 'admin' })
    const counselors = [
      await createEmployee(first),
      await createEmployee(first),
      await createEmployee(first),
    ]
    const created = await createRule(first, admin.token, {
      name: 'Everyone',
      position: 1,
      strategy: 'round_robin',
      counselorIds: counselors.map((c) => c.id),
    })
    assert.equal(created.status, 201)
    await Promise.all(Array.from({ length: 30 }, (_, i) => submitEnquiry(i % 2 ? first : second)))
    assert.deepEqual(await tally(second, counselors), [10, 10, 10])
  })
})

describe('routings through one rule run side by side (PostgreSQL)', () => {
  test(
    'a routing whose transaction is still open does not hold up the next one through the same rule',
    needsPostgres,
    async (t) => {
      const { app, admin } = await buildAppWithAdmin()
      t.after(() => app.close())
      const course = `Side by side ${Date.now()}`
      const counselors = [await createEmployee(app), await createEmployee(app)]
      const created = await createRule(app, admin.token, {
        name: 'Side by side',
        position: 1,
        match: { courses: [course] },
        strategy: 'round_robin',
        counselorIds: counselors.map((c) => c.id),
      })
      const ruleId = String((created.body.data as { _id: string })._id)
      let held: string | undefined
      let next: string | undefined
      await app.db.transaction(async (tx) => {
        const { name, email, phone } = enquiryForm()
        const inserted = await insertEnquiryUnlessOpenDuplicate(tx, {
          name,
          email,
          phone,
          courseInterest: course,
        })
        held = inserted?.id
        assert.ok(held && (await assignByRotation(tx, held, ruleId, ROTATION_REASON)))
        // Still inside the first routing's transaction: the next submission through the rule.
        const waited = new Promise<'waited'>((resolve) => setTimeout(resolve, 5_000, 'waited'))
        const submitted = submitEnquiry(app, { courseInterest: course })
        const first = await Promise.race([submitted, waited])
        assert.notEqual(first, 'waited', 'the second routing waited for the first to commit')
        next = await submitted
      })
      assert.ok(held && next)
      assert.equal((await ownerOf(app, held))?.claimedBy, counselors[0]?.id)
      assert.equal((await ownerOf(app, next))?.claimedBy, counselors[1]?.id, 'the next turn')
    },
  )
})

describe('Upgrading round-robin rules to counted turns', () => {
  test('a rule from before continues its rotation after the counselor its pointer named', async (t) => {
    const { database, migrateUpTo } = await unmigratedDatabase(t)
    await migrateUpTo('0011_notify_config_changes')
    const ids = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3']
    for (const [i, id] of ids.entries()) {
      await database.db.execute(sql`
        INSERT INTO employees (id, name, email, password_hash, role)
        VALUES (${id}, ${`Counselor ${i + 1}`}, ${`c${i + 1}@upgrade.example`}, 'x', 'counselor')`)
    }
    // The rule chose the second counselor last: the next turn is the third's.
    await database.db.execute(sql`
      INSERT INTO routing_rules (id, name, position, strategy, counselor_ids, last_assigned_id)
      VALUES ('bbbbbbbbbbbbbbbbbbbbbbbb', 'Old rotation', 1, 'round_robin',
        ARRAY[${ids[0]}, ${ids[1]}, ${ids[2]}]::char(24)[], ${ids[1]})`)

    const app = await buildApp(testConfig(), { database })
    t.after(() => app.close())
    await app.ready()
    const owners = []
    for (let i = 0; i < 4; i++)
      owners.push((await ownerOf(app, await submitEnquiry(app)))?.claimedBy)
    assert.deepEqual(owners, [ids[2], ids[0], ids[1], ids[2]])
  })
})
