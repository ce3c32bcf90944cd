import cluster from 'node:cluster'
import { type AddressInfo, createServer } from 'node:net'
import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type Config, loadConfig } from './config.js'
import { hasActiveAdmin } from './modules/employees/service.js'
import { listenFailure, maskDatabaseUrl, oneLineMessage } from './startup-failure.js'

/**
 * Binds HOST:PORT for a moment and lets go, so a port in use or not allowed is reported in one
 * line before the database is opened or migrated. (Fastify cannot take routes after listening,
 * and holding the real socket through a long migration would leave clients hanging.)
 */
async function checkCanListen({ host, port }: Config): Promise<void> {
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({ host, port, exclusive: true }, resolve)
    })
  } catch (error) {
    throw listenFailure(error, host, port)
  } finally {
    await new Promise((resolve) => probe.close(resolve))
  }
}

/** Tells the operator which database this is, where the docs are, and how to get a first admin. */
async function logStartupSummary(app: FastifyInstance, config: Config): Promise<void> {
  const target = config.database
  const database =
    target.kind === 'postgres'
      ? { kind: 'postgres', location: maskDatabaseUrl(target.url) }
      : { kind: 'pglite', location: target.dataDir ? resolve(target.dataDir) : 'memory' }
  const described =
    target.kind === 'postgres'
      ? `PostgreSQL at ${database.location}`
      : target.dataDir
        ? `embedded PGlite at ${database.location}`
        : 'embedded PGlite in memory (nothing is kept after exit)'
  app.log.info({ database }, `database: ${described}`)

  const { port } = app.server.address() as AddressInfo
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const docs = `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/docs`
  app.log.info({ docs }, `API docs: ${docs}`)

  if (await hasActiveAdmin(app.db)) {
    app.log.info({ admin: true }, 'an active admin account exists')
  } else {
    app.log.warn(
      { admin: false },
      'no admin account yet: create one with `npm run create-admin -- --email you@example.com --name "Your Name"`, or start the server with ADMIN_EMAIL and ADMIN_PASSWORD set',
    )
  }
}

/** One server process: listen, and on SIGTERM/SIGINT finish in-flight requests, close, exit 0. */
async function serve(config: Config): Promise<void> {
  const app = await buildApp(config)
  if (config.jwt.secretIsEphemeral) {
    app.log.warn('JWT_SECRET is not set: using a random secret, so tokens stop working on restart')
  }
  if (config.publicRegistrationOptedIn) {
    app.log.warn(
      'ALLOW_PUBLIC_REGISTRATION=true in production: anyone can register as a counselor and read the pool',
    )
  }

  let closing = false
  const shutDown = (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    const deadline = setTimeout(() => {
      app.log.error(
        { timeoutMs: config.shutdownTimeoutMs },
        'requests still running at the shutdown deadline; exiting',
      )
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)

  await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
    throw listenFailure(error, config.host, config.port) // taken since checkCanListen
  })
  await logStartupSummary(app, config)
}

/** WEB_CONCURRENCY > 1: a primary that keeps that many workers running, all on one port. */
function superviseWorkers(config: Config): void {
  let stopping = false
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`)
    cluster.fork()
  })
  const stop = (signal: NodeJS.Signals) => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

async function main(): Promise<void> {
  const config = loadConfig()
  if (process.argv.includes('--migrate-only')) {
    const app = await buildApp(config)
    await app.close()
    return
  }
  // Workers share the primary's port; the primary checks it once for all of them.
  if (cluster.isPrimary) await checkCanListen(config)
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    superviseWorkers(config)
    return
  }
  await serve(config)
}

main().catch((error: unknown) => {
  // One clear line for mistakes an operator can fix; the full error for anything else.
  console.error(oneLineMessage(error) ?? error)
  process.exit(1)
})
