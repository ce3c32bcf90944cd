import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type DrizzleTransactionLike, fromDrizzle, fromPglite, PgBoss } from 'pg-boss'
import { Gauge } from 'prom-client'
import type { Db } from '../db/client.js'
import { StartupError } from '../startup-failure.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The durable job queue (pg-boss) in the application's own database. */
    jobs: JobQueue
  }
}

/** How a queue retries a job whose handler threw. */
export interface QueueSettings {
  /** Retries after the first attempt (0: a failure is final). */
  retryLimit?: number
  /** Seconds before the first retry; with `retryBackoff`, doubled each time, with jitter. */
  retryDelaySeconds?: number
  retryBackoff?: boolean
  retryDelayMaxSeconds?: number
  /** How long one attempt may run before it counts as failed. */
  expireInSeconds?: number
  /**
   * Background work that gives way to requests (deliveries, mail): while this instance is busy
   * answering requests, each batch waits for a quiet moment, at most `backgroundWaitMs`. Not for
   * deadlines, which are due within seconds.
   */
  yieldsToRequests?: boolean
}

export interface JobContext {
  id: string
  /** 0 on the first attempt, then 1, 2… */
  retryCount: number
}

export type JobHandler<T> = (data: T, job: JobContext) => Promise<void>

export interface JobCounts {
  /** Due and not yet picked up. */
  ready: number
  /** Scheduled for later (deadlines, retries waiting their delay). */
  scheduled: number
  active: number
  /** Failed for good and still retained. */
  failed: number
}

export interface JobQueue {
  /**
   * Declares a queue and the function that runs its jobs. Workers start when the app is ready,
   * so every module can declare its queues while it registers.
   */
  define<T extends object>(
    queue: string,
    handler: JobHandler<T>,
    settings?: QueueSettings,
  ): Promise<void>
  /**
   * Adds a job through `db`, which may be a transaction: the job exists only if it commits.
   * Always pass the handle in use: on PGlite, a job added beside an open transaction would wait
   * for it forever (one connection).
   */
  send<T extends object>(
    db: Db,
    queue: string,
    data: T,
    options?: { startAfter?: Date; singletonKey?: string },
  ): Promise<string>
  /** Adds several jobs to one queue through `db` in one statement (as `send`, for a batch). */
  sendMany<T extends object>(db: Db, queue: string, data: T[]): Promise<void>
  /** Cancels a job not yet done, through `db` (a transaction, so it is undone with it). */
  cancel(db: Db, queue: string, id: string): Promise<void>
  /**
   * Runs a job on `queue` at each time a cron expression names, in a time zone (one instance
   * acts). Times missed while no instance ran are caught up once at the next start: for jobs that
   * act on the current state (a retention run), not on the moment.
   */
  schedule(queue: string, cron: string, timeZone: string): Promise<void>
  /** Removes the queue's schedule, if it has one (a setting turned off since the last start). */
  unschedule(queue: string): Promise<void>
  /** Jobs by state over every queue, as last counted (every `statsIntervalSeconds`). */
  counts(): Promise<Record<string, JobCounts>>
  /**
   * For background work outside the queue (the outbox's dispatcher): resolves at once while
   * requests leave the CPU spare; while they keep the instance busy, at a quiet moment or after
   * `backgroundWaitMs`.
   */
  whenRequestsQuiet(): Promise<void>
}

export interface JobsPluginOptions {
  /** How often an idle worker looks for due jobs (seconds, at least 0.5). */
  pollIntervalSeconds: number
  /** How often the counts behind /ready and /metrics are refreshed (seconds). */
  statsIntervalSeconds: number
  /** How long shutdown waits for running jobs (ms). */
  shutdownTimeoutMs: number
  /** How long a batch of background jobs waits for requests to leave the CPU spare (ms). */
  backgroundWaitMs: number
}

/** How many due jobs of one queue a worker takes at once. */
const BATCH = 20

interface Definition {
  queue: string
  handler: JobHandler<object>
  yieldsToRequests: boolean
}

/** How often the request load is sampled (ms). */
const LOAD_SAMPLE_MS = 100
/** The event loop's share of busy time over a sample above which requests are taking the CPU. */
const BUSY_UTILIZATION = 0.5

/** How many samples back an answered request still counts (a slow one spans several). */
const LOAD_MEMORY = 3

/**
 * Whether requests keep this instance busy: requests were answered in the last few samples and
 * the event loop was more than half busy in the last. Background work alone (a backlog draining
 * after the requests stop) does not count as busy, so it runs at full speed then.
 */
function requestLoad(app: FastifyInstance, maxWaitMs: number) {
  let answered = 0
  const answeredBefore: number[] = []
  let busy = false
  let last = performance.eventLoopUtilization()
  app.addHook('onResponse', async () => {
    answered++
  })
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    answeredBefore.push(answered)
    if (answeredBefore.length > LOAD_MEMORY) answeredBefore.shift()
    const requests = answeredBefore.some((count) => count > 0)
    busy = requests && performance.eventLoopUtilization(now, last).utilization > BUSY_UTILIZATION
    last = now
    answered = 0
  }, LOAD_SAMPLE_MS)
  timer.unref()
  return {
    /** Resolves once requests leave the CPU spare, or after `maxWaitMs`. */
    async quiet(): Promise<void> {
      const until = Date.now() + maxWaitMs
      while (busy && Date.now() < until) await sleep(LOAD_SAMPLE_MS)
    },
    stop: () => clearInterval(timer),
  }
}

// Drizzle's handles satisfy the adapter at run time; only the declared result type differs.
const sqlExecutor = (db: Db) => ({ db: fromDrizzle(db as unknown as DrizzleTransactionLike, sql) })

function createBoss(
  target: { kind: 'postgres'; url: string } | { kind: 'pglite'; client: unknown },
  options: JobsPluginOptions,
): PgBoss {
  const common = {
    monitorIntervalSeconds: options.statsIntervalSeconds,
    superviseIntervalSeconds: options.statsIntervalSeconds,
    queueCacheIntervalSeconds: options.statsIntervalSeconds,
    openTelemetry: { enabled: false },
  }
  if (target.kind === 'postgres') {
    return new PgBoss({ ...common, connectionString: target.url, max: 4 })
  }
  return new PgBoss({
    ...common,
    backend: 'pglite',
    db: fromPglite(target.client as Parameters<typeof fromPglite>[0]),
  })
}

/**
 * pg-boss on the application's database: its tables live in the `pgboss` schema, which it installs
 * and migrates itself at start. On PostgreSQL, jobs are claimed with SKIP LOCKED, so with several
 * instances each job runs on one of them at a time.
 */
export default fp<JobsPluginOptions>(
  async (app, options) => {
    const boss = createBoss(app.jobQueueTarget, options)
    boss.on('error', (error) => app.log.error({ err: error }, 'job queue error'))
    try {
      await boss.start()
    } catch (error) {
      throw new StartupError(
        `The job queue could not set up its schema "pgboss" in the database (${(error as Error).message}). The database user needs the CREATE privilege on the database`,
      )
    }
    const definitions: Definition[] = []
    const load = requestLoad(app, options.backgroundWaitMs)
    app.addHook('onClose', async () => load.stop())

    const jobs: JobQueue = {
      async define(queue, handler, settings = {}) {
        await boss.createQueue(queue, {
          retryLimit: settings.retryLimit ?? 3,
          retryDelay: settings.retryDelaySeconds ?? 5,
          retryBackoff: settings.retryBackoff ?? true,
          ...(settings.retryDelayMaxSeconds !== undefined
            ? { retryDelayMax: settings.retryDelayMaxSeconds }
            : {}),
          ...(settings.expireInSeconds !== undefined
            ? { expireInSeconds: settings.expireInSeconds }
            : {}),
        })
        definitions.push({
          queue,
          handler: handler as JobHandler<object>,
          yieldsToRequests: settings.yieldsToRequests ?? false,
        })
      },
      async send(db, queue, data, options = {}) {
        const id = await boss.send(queue, data, {
          ...sqlExecutor(db),
          ...(options.startAfter ? { startAfter: options.startAfter } : {}),
          ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        })
        if (id === null) throw new Error(`the job queue refused a job on ${queue}`)
        return id
      },
      async sendMany(db, queue, data) {
        if (data.length === 0) return
        await boss.insert(
          queue,
          data.map((item) => ({ data: item })),
          sqlExecutor(db),
        )
      },
      async cancel(db, queue, id) {
        await boss.cancel(queue, id, sqlExecutor(db))
      },
      async schedule(queue, cron, timeZone) {
        await boss.schedule(queue, cron, null, { tz: timeZone, missed: 'once' })
      },
      async unschedule(queue) {
        await boss.unschedule(queue)
      },
      whenRequestsQuiet: () => load.quiet(),
      async counts() {
        const queues = await boss.getQueues(definitions.map((definition) => definition.queue))
        return Object.fromEntries(
          queues.map((queue) => [
            queue.name,
            {
              ready: queue.readyCount,
              scheduled: queue.deferredCount,
              active: queue.activeCount,
              failed: queue.failedCount,
            },
          ]),
        )
      },
    }
    app.decorate('jobs', jobs)

    new Gauge({
      name: 'crm_jobs',
      help: 'Jobs on the durable queue by queue and state (ready, scheduled, active, failed), as last counted',
      labelNames: ['queue', 'state'],
      registers: [app.metrics.registry],
      async collect() {
        const counts = await jobs.counts().catch(() => ({}))
        for (const [queue, byState] of Object.entries(counts)) {
          for (const [state, value] of Object.entries(byState)) this.set({ queue, state }, value)
        }
      },
    })

    app.addHook('onReady', async () => {
      for (const { queue, handler, yieldsToRequests } of definitions) {
        // Up to BATCH due jobs at a time, run side by side, each settled on its own (a failure
        // retries only its job); while batches come back full the worker fetches again at once,
        // so a backlog drains at the speed of its handlers, not one job per poll.
        await boss.work(
          queue,
          {
            pollingIntervalSeconds: options.pollIntervalSeconds,
            includeMetadata: true,
            batchSize: BATCH,
            burstWhenBatchFull: true,
            perJobResults: true,
          },
          async (batch) => {
            if (yieldsToRequests) await load.quiet()
            return Promise.all(
              batch.map(async (job) => {
                try {
                  await handler(job.data as object, { id: job.id, retryCount: job.retryCount })
                  return { id: job.id, status: 'completed' as const }
                } catch (error) {
                  app.log.warn(
                    { err: error, queue, job: job.id, retryCount: job.retryCount },
                    'job failed',
                  )
                  return {
                    id: job.id,
                    status: 'failed' as const,
                    output: { message: (error as Error).message },
                  }
                }
              }),
            )
          },
        )
      }
    })
    // Registered after the database plugin, so this runs before the database closes.
    app.addHook('onClose', () => boss.stop({ graceful: true, timeout: options.shutdownTimeoutMs }))
  },
  { name: 'jobs', dependencies: ['database', 'metrics'] },
)
