import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { AppError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Business counters; present whether or not /metrics is served. */
    metrics: { enquiriesCreated: Counter; enquiriesClaimed: Counter; registry: Registry }
  }
}

export interface MetricsOptions {
  enabled: boolean
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  token: string | undefined
  /** Production never serves /metrics anonymously: without a token it is not served at all. */
  production: boolean
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Compares in constant time, so the answer's timing reveals nothing of the token. */
function bearerMatches(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization ?? ''
  const match = /^Bearer ([^\s]+)$/i.exec(header)
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)
}

/**
 * Prometheus metrics on a registry of this app's own: request count and duration by route pattern
 * (never the raw URL, whose ids would explode the label set) and status, process and event-loop
 * metrics, enquiries created and claimed.
 */
export default fp<MetricsOptions>(
  async (app, { enabled, token, production }) => {
    const registry = new Registry()
    const enquiriesCreated = new Counter({
      name: 'crm_enquiries_created_total',
      help: 'New enquiries submitted through the public form (resubmissions excluded)',
      registers: [registry],
    })
    const enquiriesClaimed = new Counter({
      name: 'crm_enquiries_claimed_total',
      help: 'Enquiries claimed from the pool',
      registers: [registry],
    })
    app.decorate('metrics', { enquiriesCreated, enquiriesClaimed, registry })
    if (!enabled) return
    if (production && token === undefined) {
      app.log.info('/metrics is not served: set METRICS_TOKEN to scrape it in production')
      return
    }
    const expected = token === undefined ? undefined : digest(token)

    collectDefaultMetrics({ register: registry })
    const requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    })
    app.addHook('onResponse', async (request, reply) => {
      // Unmatched URLs share one label, so a scan of random paths cannot grow the series.
      const route = request.routeOptions.url ?? 'unmatched'
      requestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      )
    })

    app.get(
      '/metrics',
      { logLevel: 'warn', config: { rateLimit: false }, schema: { hide: true } },
      async (request, reply) => {
        if (expected && !bearerMatches(request, expected)) {
          throw new AppError('UNAUTHENTICATED', 'Metrics need the METRICS_TOKEN as a bearer token')
        }
        reply.type(registry.contentType)
        return registry.metrics()
      },
    )
  },
  { name: 'metrics' },
)
