import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { and, eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { openDatabase } from '../src/db/client.js'
import { activity, enquiries } from '../src/db/schema/index.js'
import { RETENTION_QUEUE } from '../src/modules/privacy/retention.js'
import { call, createEmployee, testConfig } from './support/app.js'
import { serverDatabase, targetOf } from './support/database.js'
import { claim, detail, lastActivity, setStatus, submitEnquiry } from './support/enquiries.js'
import { auditEntries } from './support/privacy.js'

const DAY = 86_400_000
const FAST_JOBS = { JOB_POLL_INTERVAL_SECONDS: '0.5' }

/** The rows of a raw query (both drivers answer `{ rows }`). */
async function rowsOf<T>(app: FastifyInstance, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await app.db.execute(query)) as unknown as { rows: T[] }).rows
}

/** Moves an enquiry's history back in time: its status changes and its last update. */
async function backdate(app: FastifyInstance, id: string, daysAgo: number) {
  const at = new Date(Date.now() - daysAgo * DAY)
  await app.db
    .update(activity)
    .set({ at })
    .where(and(eq(activity.enquiryId, id), eq(activity.type, 'status_changed')))
  await app.db
    .update(enquiries)
    .set({ updatedAt: sql`${at.toISOString()}::timestamptz` })
    .where(eq(enquiries.id, id))
}

const nameOf = async (app: FastifyInstance, id: string) =>
  (await app.db.select({ name: enquiries.name }).from(enquiries).where(eq(enquiries.id, id)))[0]
    ?.name

async function retentionSchedule(app: FastifyInstance) {
  return rowsOf<{ cron: string; timezone: string }>(
    app,
    sql`SELECT cron, timezone FROM pgboss.schedule WHERE name = ${RETENTION_QUEUE}`,
  )
}

/** Runs the retention job now, as the daily schedule would, and waits for its count in /metrics. */
async function runRetention(app: FastifyInstance, expectedTotal: number) {
  await app.jobs.send(app.db, RETENTION_QUEUE, {})
  const deadline = Date.now() + 20_000
  for (;;) {
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    const [runs] = await rowsOf<{ count: string }>(
      app,
      sql`SELECT count(*) AS count FROM pgboss.job WHERE name = ${RETENTION_QUEUE} AND state = 'completed'`,
    )
    const done = Number(runs?.count ?? 0)
    if (metrics.includes(`crm_retention_erased_total ${expectedTotal}`) && done > 0) return
    if (Date.now() > deadline) throw new Error(`retention did not reach ${expectedTotal}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('retention of closed enquiries (RETENTION_CLOSED_DAYS)', () => {
  test('a daily run erases only enquiries closed longer ago than the limit, once, keeping the statistics', async (t) => {
    const { url, dispose } = await serverDatabase()
    t.after(dispose)
    const app = await buildApp(testConfig({ ...FAST_JOBS, RETENTION_CLOSED_DAYS: '2' }), {
      database: await openDatabase(targetOf(url)),
    })
    await app.ready()
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)

    const close = async (status: 'converted' | 'lost', daysAgo: number) => {
      const id = await submitEnquiry(app)
      await claim(app, id, counselor.token)
      await setStatus(app, id, status, counselor.token)
      await backdate(app, id, daysAgo)
      return id
    }
    const convertedLongAgo = await close('converted', 3)
    const lostLongAgo = await close('lost', 10)
    const convertedRecently = await close('converted', 1)
    // Open leads are never touched, however old.
    const contactedLongAgo = await submitEnquiry(app)
    await claim(app, contactedLongAgo, counselor.token)
    await setStatus(app, contactedLongAgo, 'contacted', counselor.token)
    await backdate(app, contactedLongAgo, 30)
    const poolLongAgo = await submitEnquiry(app)
    await backdate(app, poolLongAgo, 30)
    // Imported with no history: closed at its last update.
    const importedLongAgo = await close('converted', 5)
    await app.db
      .delete(activity)
      .where(and(eq(activity.enquiryId, importedLongAgo), eq(activity.type, 'status_changed')))

    assert.deepEqual(await retentionSchedule(app), [{ cron: '0 3 * * *', timezone: 'UTC' }])
    const statsBefore = (await call(app, { method: 'GET', url: '/api/stats', token: admin.token }))
      .body.data
    await runRetention(app, 3)

    for (const id of [convertedLongAgo, lostLongAgo, importedLongAgo]) {
      assert.equal(await nameOf(app, id), '[erased]')
      const entry = await lastActivity(app, id, admin.token)
      assert.equal(entry?.type, 'erased')
      assert.equal(entry?.actor, null)
      assert.equal(entry?.reason, 'retention')
    }
    for (const id of [convertedRecently, contactedLongAgo, poolLongAgo]) {
      assert.notEqual(await nameOf(app, id), '[erased]')
      assert.equal((await detail(app, id, admin.token)).status, 200)
    }
    const statsAfter = (await call(app, { method: 'GET', url: '/api/stats', token: admin.token }))
      .body.data
    assert.deepEqual(statsAfter, statsBefore)
    const audit = await auditEntries(app, admin.token, '&action=privacy.retention_erased')
    assert.equal(audit.total, 1)
    assert.equal(audit.data[0]?.actor, null)
    assert.equal(audit.data[0]?.details.count, 3)

    // A second run finds nothing left: no new erasure, no new audit entry.
    await runRetention(app, 3)
    assert.equal(
      (await auditEntries(app, admin.token, '&action=privacy.retention_erased')).total,
      1,
    )
    await app.close()

    // Turned off, the schedule goes at the next start; nothing more is erased.
    const restarted = await buildApp(testConfig(FAST_JOBS), {
      database: await openDatabase(targetOf(url)),
    })
    t.after(() => restarted.close())
    await restarted.ready()
    assert.deepEqual(await retentionSchedule(restarted), [])
    assert.notEqual(await nameOf(restarted, convertedRecently), '[erased]')
  })
})
