import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { type Database, openDatabase } from '../src/db/client.js'
import type { JobHandler, QueueSettings } from '../src/plugins/jobs.js'
import { call, keepBusy, testConfig } from './support/app.js'
import { freshDatabase, serverDatabase, targetOf } from './support/database.js'
import { until } from './support/receiver.js'

const FAST = { JOB_POLL_INTERVAL_SECONDS: '0.5', JOB_STATS_INTERVAL_SECONDS: '1' }

/** An app with one extra queue declared before it starts, as a module would. */
async function appWithQueue<T extends object>(
  database: Database,
  queue: string,
  handler: JobHandler<T>,
  settings?: QueueSettings,
): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(FAST), { database })
  await app.jobs.define(queue, handler, settings)
  await app.ready()
  return app
}

describe('the durable job queue', () => {
  test('a job added in a transaction runs once it commits; one whose transaction rolls back never runs', async (t) => {
    const seen: string[] = []
    const app = await appWithQueue<{ label: string }>(
      await freshDatabase(),
      'test-echo',
      async (data) => {
        seen.push(data.label)
      },
    )
    t.after(() => app.close())

    await app.db
      .transaction(async (tx) => {
        await app.jobs.send(tx, 'test-echo', { label: 'rolled back' })
        tx.rollback()
      })
      .catch(() => {})
    await app.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`)
      await app.jobs.send(tx, 'test-echo', { label: 'committed' })
    })
    await until(() => seen.length > 0, 'the committed job')
    // The rolled-back job would have been due at the same moment.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.deepEqual(seen, ['committed'])
  })

  test('a job due later waits for its time; a cancelled one never runs', async (t) => {
    const ran: { label: string; at: number }[] = []
    const app = await appWithQueue<{ label: string }>(
      await freshDatabase(),
      'test-later',
      async (data) => {
        ran.push({ label: data.label, at: Date.now() })
      },
    )
    t.after(() => app.close())
    const sentAt = Date.now()
    await app.jobs.send(
      app.db,
      'test-later',
      { label: 'due' },
      { startAfter: new Date(sentAt + 2000) },
    )
    const cancelled = await app.jobs.send(
      app.db,
      'test-later',
      { label: 'cancelled' },
      {
        startAfter: new Date(sentAt + 2000),
      },
    )
    await app.jobs.cancel(app.db, 'test-later', cancelled)
    await until(() => ran.length > 0, 'the due job')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.deepEqual(
      ran.map((job) => job.label),
      ['due'],
    )
    assert.ok((ran[0]?.at ?? 0) - sentAt >= 1900, 'ran before its time')
  })

  test('a failing job is retried as its queue says, then counted as failed by /ready and /metrics', async (t) => {
    const attempts: number[] = []
    const app = await appWithQueue(
      await freshDatabase(),
      'test-failing',
      async (_data, job) => {
        attempts.push(job.retryCount)
        throw new Error('receiver down')
      },
      { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false },
    )
    t.after(() => app.close())
    await app.jobs.send(app.db, 'test-failing', {})
    await until(() => attempts.length === 3, 'three attempts')
    await until(async () => {
      const ready = await call(app, { method: 'GET', url: '/ready' })
      return (ready.body.jobs as { failed: number }).failed === 1
    }, 'the failure to be counted')
    assert.deepEqual(attempts, [0, 1, 2])
    const ready = await call(app, { method: 'GET', url: '/ready' })
    assert.equal(ready.status, 200, 'a failed job does not make the instance unready')
    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    assert.match(metrics.body, /crm_jobs\{queue="test-failing",state="failed"\} 1/)
  })

  test('a job due while no instance runs is acted on soon after the next start', async (t) => {
    const { url, dispose } = await serverDatabase()
    t.after(dispose)
    const first = await appWithQueue(
      await openDatabase(targetOf(url)),
      'test-restart',
      async () => {},
    )
    await first.jobs.send(
      first.db,
      'test-restart',
      { label: 'due while down' },
      {
        startAfter: new Date(Date.now() + 1000),
      },
    )
    await first.close()
    await new Promise((resolve) => setTimeout(resolve, 1500))

    const ran: string[] = []
    const second = await appWithQueue<{ label: string }>(
      await openDatabase(targetOf(url)),
      'test-restart',
      async (data) => {
        ran.push(data.label)
      },
    )
    t.after(() => second.close())
    const started = Date.now()
    await until(() => ran.length > 0, 'the overdue job')
    assert.deepEqual(ran, ['due while down'])
    assert.ok(Date.now() - started < 5000)
  })
})

describe('background work gives way to requests', () => {
  test('while requests keep the instance busy, deliveries and mail wait; deadlines do not; the wait ends with the load', async (t) => {
    const ran: string[] = []
    const app = await buildApp(testConfig({ ...FAST, JOB_BACKGROUND_WAIT_MS: '60000' }), {
      database: await freshDatabase(),
    })
    t.after(() => app.close())
    await app.jobs.define('test-background', async () => void ran.push('background'), {
      yieldsToRequests: true,
    })
    await app.jobs.define('test-deadline', async () => void ran.push('deadline'))
    await app.ready()

    const stopLoad = keepBusy(app, t)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await app.jobs.send(app.db, 'test-background', {})
    await app.jobs.send(app.db, 'test-deadline', {})
    await until(() => ran.includes('deadline'), 'the deadline job, during the load')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.deepEqual(ran, ['deadline'], 'the background job waits while requests keep coming')

    await stopLoad()
    await until(() => ran.includes('background'), 'the background job, once the load stops', 5000)
  })
})
