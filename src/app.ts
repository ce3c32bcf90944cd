import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { AppError, registerErrorHandling, replyClientError, replyRouteNotFound } from './errors.js'
import { loggerOptions, requestIdOf } from './logger.js'
import auditRoutes from './modules/audit/routes.js'
import authRoutes from './modules/auth/routes.js'
import employeeRoutes from './modules/employees/routes.js'
import { ensureBootstrapAdmin, findCaller } from './modules/employees/service.js'
import enquiryRoutes from './modules/enquiries/routes.js'
import outboxPlugin from './modules/events/outbox.js'
import eventRoutes from './modules/events/routes.js'
import healthRoutes from './modules/health/routes.js'
import notificationsPlugin from './modules/notifications/plugin.js'
import retentionJob from './modules/privacy/retention.js'
import privacyRoutes from './modules/privacy/routes.js'
import reportRoutes from './modules/reports/routes.js'
import routingRoutes from './modules/routing/routes.js'
import slaRoutes from './modules/sla/routes.js'
import webhookRoutes from './modules/webhooks/routes.js'
import authPlugin from './plugins/auth.js'
import configCachePlugin from './plugins/config-cache.js'
import consolePlugin from './plugins/console.js'
import databasePlugin from './plugins/database.js'
import docsPlugin from './plugins/docs.js'
import jobsPlugin from './plugins/jobs.js'
import metricsPlugin from './plugins/metrics.js'
import redisPlugin from './plugins/redis.js'
import securityPlugin from './plugins/security.js'
import { bodyAjv, checkQueryAndParams, inspectJsonBody, textAjv } from './validation.js'

export interface BuildOptions {
  /** An already open database; by default config.database is opened. */
  database?: Database
  /** Where log lines go (tests capture them); by default stdout. */
  logDestination?: DestinationStream
}

/** The whole application; the server and the tests build the very same one. */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logDestination),
    genReqId: requestIdOf,
    // Requests arriving during shutdown get a 503 in the API's error format (hook below).
    return503OnClosing: false,
    bodyLimit: config.bodyLimit,
    // Opening the embedded database and migrating can take more than Fastify's default 10 s on a
    // busy machine; a slow start is better than a failed one.
    pluginTimeout: 120_000,
    trustProxy: config.trustProxy,
    // A client must send its whole request (headers and body) within these limits, so a few slow
    // senders cannot hold sockets open; Node checks them every second instead of every 30 s.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    clientErrorHandler: replyClientError,
  })

  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  )
  registerErrorHandling(app)
  app.addHook('preValidation', checkQueryAndParams)
  // While shutting down, new requests are refused and each in-flight response closes its
  // keep-alive connection, so the server can finish as soon as the last request does.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) throw new AppError('SHUTTING_DOWN')
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  // The API speaks JSON only: anything else is a 415, not a string to validate. Every JSON body,
  // on any route (unknown ones too), is checked for depth and NUL characters as it is parsed.
  app.removeContentTypeParser('text/plain')
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' as const },
    (request, text: string, done) => {
      parseJson(request, text, (error, body) => {
        if (error) return done(error, undefined)
        try {
          inspectJsonBody(body)
        } catch (invalid) {
          return done(invalid as Error, undefined)
        }
        done(null, body)
      })
    },
  )

  await app.register(databasePlugin, { config, database: options.database })
  if (config.admin && (await ensureBootstrapAdmin(app.db, config.admin))) {
    app.log.info({ email: config.admin.email }, 'created the configured admin')
  }
  await app.register(configCachePlugin)
  await app.register(redisPlugin, { config })
  await app.register(authPlugin, { config, findCaller: (id) => findCaller(app.db, id) })
  await app.register(securityPlugin, { config })
  // Unknown routes count against the caller's quota like any other request, before any body is read.
  const limitUnknownRoute = app.rateLimit()
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) await limitUnknownRoute.call(app, request, reply)
  })
  app.setNotFoundHandler(replyRouteNotFound)
  await app.register(metricsPlugin, {
    enabled: config.metricsEnabled,
    token: config.metricsToken,
    production: config.env === 'production',
  })
  await app.register(jobsPlugin, {
    ...config.jobs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  })
  await app.register(outboxPlugin, { pollMs: config.jobs.pollIntervalSeconds * 1000 })
  await app.register(docsPlugin)

  await app.register(healthRoutes)
  await app.register(authRoutes, { prefix: '/api/auth', config })
  await app.register(enquiryRoutes, { prefix: '/api/enquiries', config })
  await app.register(employeeRoutes, { prefix: '/api/employees' })
  await app.register(routingRoutes, { prefix: '/api/routing-rules' })
  await app.register(slaRoutes, { prefix: '/api/settings' })
  await app.register(reportRoutes, { prefix: '/api' })
  await app.register(eventRoutes, { prefix: '/api' })
  await app.register(auditRoutes, { prefix: '/api/audit' })
  await app.register(privacyRoutes, { prefix: '/api/privacy' })
  await app.register(retentionJob, { days: config.privacy.retentionClosedDays })
  await app.register(webhookRoutes, { prefix: '/api/webhooks', config })
  await app.register(notificationsPlugin, { config })
  await app.register(consolePlugin, { config })
  return app
}
