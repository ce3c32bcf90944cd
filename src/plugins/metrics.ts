import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** Business counters; present whether or not /metrics is served. */
    metrics: { enquiriesCreated: Counter; enquiriesClaimed: Counter; registry: Registry }
  }
}

/**
 * Prometheus metrics on a registry of this app's own: request count and duration by route pattern
 * (never the raw URL, whose ids would explode the label set) and status, process and event-loop
 * metrics, enquiries created and claimed.
 */
export default fp<{ enabled: boolean }>(
  async (app, { enabled }) => {
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
      async (_request, reply) => {
        reply.type(registry.contentType)
        return registry.metrics()
      },
    )
  },
  { name: 'metrics' },
)
