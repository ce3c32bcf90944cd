import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pingDatabase } from '../../db/client.js'

const Check = Type.Enum(['ok', 'error'])
const ReadyResponse = Type.Object({
  status: Type.Enum(['ok', 'unavailable']),
  checks: Type.Object({ database: Check, redis: Type.Optional(Check), jobQueue: Check }),
  jobs: Type.Optional(
    Type.Object(
      {
        waiting: Type.Integer({ description: 'due and not yet picked up' }),
        scheduled: Type.Integer({ description: 'deadlines and retries not yet due' }),
        failed: Type.Integer({ description: 'failed for good (kept for a while)' }),
      },
      { description: `The job queue's counts over every queue, as last refreshed` },
    ),
  ),
})

// Probes are neither rate limited nor logged at info: orchestrators call them every few seconds.
const probe = { logLevel: 'warn' as const, config: { rateLimit: false as const } }

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      ...probe,
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is running (touches no dependency)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/ready',
    {
      ...probe,
      schema: {
        tags: ['operations'],
        summary:
          'Readiness: the database (and Redis, when configured) answers; the job queue counts',
        response: { 200: ReadyResponse, 503: ReadyResponse },
      },
    },
    async (_request, reply) => {
      const database = await pingDatabase(app.db).then(
        () => 'ok' as const,
        () => 'error' as const,
      )
      const redis = app.redis
        ? await app.redis.ping().then(
            () => 'ok' as const,
            () => 'error' as const,
          )
        : undefined
      const jobs = await app.jobs.counts().then(
        (byQueue) => {
          const all = Object.values(byQueue)
          const sum = (pick: (counts: (typeof all)[number]) => number) =>
            all.reduce((total, counts) => total + pick(counts), 0)
          return {
            waiting: sum((counts) => counts.ready),
            scheduled: sum((counts) => counts.scheduled),
            failed: sum((counts) => counts.failed),
          }
        },
        () => undefined,
      )
      const jobQueue = jobs ? ('ok' as const) : ('error' as const)
      const healthy = database === 'ok' && redis !== 'error' && jobQueue === 'ok'
      return reply.status(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'unavailable',
        checks: { database, ...(redis ? { redis } : {}), jobQueue },
        ...(jobs ? { jobs } : {}),
      })
    },
  )
}

export default healthRoutes
