import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pingDatabase } from '../../db/client.js'

const Check = Type.Enum(['ok', 'error'])
const ReadyResponse = Type.Object({
  status: Type.Enum(['ok', 'unavailable']),
  checks: Type.Object({ database: Check, redis: Type.Optional(Check) }),
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
        summary: 'Readiness: the database (and Redis, when configured) answers',
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
      const healthy = database === 'ok' && redis !== 'error'
      return reply.status(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'unavailable',
        checks: { database, ...(redis ? { redis } : {}) },
      })
    },
  )
}

export default healthRoutes
