import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/client.js'
import {
  employees,
  enquiries,
  enquiryOwnerCounts,
  enquiryPoolCounts,
  enquiryStatuses,
} from '../src/db/schema/index.js'
import { DEMO_PASSWORD } from '../src/modules/demo/content.js'
import { addDemoData, DemoDataRefusedError } from '../src/modules/demo/service.js'
import { buildTestApp, call, logIn, testConfig } from './support/app.js'
import { serverDatabase, targetOf } from './support/database.js'
import { detail, list, setStatus, submitEnquiry } from './support/enquiries.js'
import { runScript } from './support/server.js'

interface Stats {
  byStatus: Record<string, number>
  bySource: Record<string, number>
  byCourse: { courseInterest: string; count: number }[]
  counselors: { name: string; converted: number }[]
  funnel: { submitted: number }
  timeToClaim: { medianSeconds: number | null }
}

async function logInAs(app: FastifyInstance, email: string, password = DEMO_PASSWORD) {
  const { status, body } = await logIn(app, email, password)
  assert.equal(status, 200, `${email} logs in`)
  const data = body.data as { token: string; employee: { role: string } }
  return { token: data.token, role: data.employee.role }
}

async function countRows(app: FastifyInstance) {
  const count = async (table: typeof employees | typeof enquiries) =>
    (await app.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n
  const [emails] = await app.db
    .select({ distinct: sql<number>`count(DISTINCT ${enquiries.email})::int` })
    .from(enquiries)
  return {
    employees: await count(employees),
    enquiries: await count(enquiries),
    distinctEmails: emails?.distinct,
  }
}

describe('npm run demo', () => {
  test('an empty database gets a team that can log in and a pipeline that fills the dashboard', async (t) => {
    const app = await buildTestApp(t)
    const outcome = await addDemoData(app.db)
    assert.equal(outcome.enquiries, 300)
    assert.equal(outcome.logins.length, 7)

    const sessions = []
    for (const login of outcome.logins) {
      assert.equal(login.password, DEMO_PASSWORD)
      const session = await logInAs(app, login.email, login.password)
      assert.equal(session.role, login.role)
      sessions.push({ ...login, ...session })
    }
    const admin = sessions.find((session) => session.role === 'admin')
    const counselor = sessions.find((session) => session.role === 'counselor')
    assert.ok(admin && counselor)

    // Every enquiry came in over the last 91 days; every status, many sources and courses show.
    const since = new Date(Date.now() - 91 * 86_400_000).toISOString()
    const stats = await call(app, {
      method: 'GET',
      url: `/api/stats?from=${since}`,
      token: admin.token,
    })
    assert.equal(stats.status, 200)
    const data = stats.body.data as Stats
    assert.equal(data.funnel.submitted, 300)
    assert.deepEqual(data.byStatus, outcome.byStatus)
    for (const status of enquiryStatuses) assert.ok((data.byStatus[status] ?? 0) > 0, status)
    assert.ok(Object.values(data.bySource).filter((count) => count > 0).length >= 6)
    assert.ok(data.byCourse.length >= 10)
    assert.equal(data.counselors.length, 6)
    assert.ok(data.counselors.every((row) => row.converted > 0))
    assert.ok((data.timeToClaim.medianSeconds ?? 0) > 0)

    // The pool's total comes from the counters the triggers keep: the pool's, and the owners'
    // for every other status.
    const pool = await list(app, '/api/enquiries/unclaimed', counselor.token)
    assert.equal(pool.status, 200)
    assert.ok(pool.body.total > 0)
    assert.equal(pool.body.total, outcome.byStatus.unclaimed)
    const [inPool] = await app.db
      .select({ count: sql<number>`sum(${enquiryPoolCounts.count})::int` })
      .from(enquiryPoolCounts)
    const owned = await app.db
      .select({
        status: enquiryOwnerCounts.status,
        count: sql<number>`sum(${enquiryOwnerCounts.count})::int`,
      })
      .from(enquiryOwnerCounts)
      .groupBy(enquiryOwnerCounts.status)
    assert.deepEqual(
      Object.fromEntries(
        enquiryStatuses.map((status) => [
          status,
          status === 'unclaimed'
            ? (inPool?.count ?? 0)
            : (owned.find((row) => row.status === status)?.count ?? 0),
        ]),
      ),
      outcome.byStatus,
    )

    // A converted lead tells its story: notes, and the entries the app writes, in order.
    const converted = await list(app, '/api/enquiries?status=converted&limit=1', admin.token)
    const convertedId = converted.body.data[0]?._id
    assert.ok(convertedId)
    const { body } = await detail(app, convertedId, admin.token)
    const story = body.data as {
      createdAt: string
      claimedBy: { _id: string } | null
      notes: { text: string }[]
      activity: { type: string; at: string; actor: { _id: string } | null; to?: string }[]
    }
    assert.ok(story.notes.length >= 1)
    const types = story.activity.map((entry) => entry.type)
    assert.equal(types[0], 'created')
    assert.equal(story.activity[0]?.at, story.createdAt)
    assert.ok(types.includes('claimed') || types.includes('assigned'))
    assert.equal(types.filter((type) => type === 'note_added').length, story.notes.length)
    assert.equal(story.activity.at(-1)?.to, 'converted')
    assert.equal(story.activity.at(-1)?.actor?._id, story.claimedBy?._id)

    // Prospects are clearly fake, and each has one email of their own.
    const rows = await countRows(app)
    assert.equal(rows.distinctEmails, 300)
    const [notExample] = await app.db
      .select({ n: sql<number>`count(*)::int` })
      .from(enquiries)
      .where(sql`${enquiries.email} !~ '@example\\.(com|org|net)$'`)
    assert.equal(notExample?.n, 0)

    // A counselor carries on with one of their own demo leads through the API.
    const owner = sessions.find(
      (session) => session.role === 'counselor' && session.email === 'amara@demo.example',
    )
    assert.ok(owner)
    const mine = await list(app, '/api/enquiries/my-enquiries?status=claimed', owner.token)
    const leadId = mine.body.data[0]?._id
    assert.ok(leadId, 'the counselor holds a claimed lead')
    assert.equal((await setStatus(app, leadId, 'contacted', owner.token)).status, 200)
  })

  test('a database with enquiries is refused unless forced; forced, the demo goes beside them', async (t) => {
    const app = await buildTestApp(t)
    const real = await submitEnquiry(app, { name: 'Real Person', courseInterest: 'Nursing' })

    await assert.rejects(addDemoData(app.db), (error: Error) => {
      assert.ok(error instanceof DemoDataRefusedError)
      assert.match(error.message, /already holds 1 enquiry, so no demo data was added/)
      return true
    })
    assert.deepEqual(await countRows(app), { employees: 0, enquiries: 1, distinctEmails: 1 })

    const first = await addDemoData(app.db, { force: true })
    assert.equal(first.enquiries, 300)
    const again = await addDemoData(app.db, { force: true })
    assert.equal(again.enquiries, 300, 'a second forced run adds other people')
    assert.ok(
      again.logins.every((login) => login.password === undefined),
      'accounts are kept',
    )
    assert.deepEqual(await countRows(app), { employees: 7, enquiries: 601, distinctEmails: 601 })

    const admin = await logInAs(app, 'admin@demo.example')
    const untouched = await detail(app, real, admin.token)
    const enquiry = untouched.body.data as { name: string; status: string }
    assert.deepEqual([enquiry.name, enquiry.status], ['Real Person', 'unclaimed'])
  })

  test('runs as a command that prints the logins, then refuses a second run in one line', async (t) => {
    // Not yet created, as on a new checkout: the command migrates it first.
    const database = await serverDatabase({ empty: true })
    t.after(() => database.dispose())
    const env = { DATABASE_URL: database.url }

    const first = await runScript('demo.mjs', env)
    assert.equal(first.code, 0, first.stderr)
    assert.match(
      first.stdout,
      /^Added 300 demo enquiries \(unclaimed \d+, claimed \d+, contacted \d+, converted \d+, lost \d+\) with \d+ notes and \d+ activity entries\.$/m,
    )
    assert.match(
      first.stdout,
      new RegExp(`^ {2}admin +admin@demo\\.example +${DEMO_PASSWORD}$`, 'm'),
    )
    assert.equal(
      first.stdout.match(new RegExp(`^ {2}counselor +\\S+@demo\\.example +${DEMO_PASSWORD}$`, 'gm'))
        ?.length,
      6,
    )

    const second = await runScript('demo.mjs', env)
    assert.equal(second.code, 1)
    assert.equal(second.stdout, '')
    assert.match(
      second.stderr,
      /^The database already holds 300 enquiries, so no demo data was added; run `npm run demo -- --force` to add it beside them\.\n$/,
    )

    const app = await buildApp(testConfig(), {
      database: await openDatabase(targetOf(database.url)),
    })
    t.after(() => app.close())
    assert.deepEqual(await countRows(app), { employees: 7, enquiries: 300, distinctEmails: 300 })
    const admin = await logInAs(app, 'admin@demo.example')
    assert.equal(admin.role, 'admin')
  })
})
