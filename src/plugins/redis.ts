import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import type { Config } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared state between instances (rate limits, login lockouts); undefined without REDIS_URL. */
    redis: Redis | undefined
  }
}

const STARTUP_WAIT_MS = 2000
const ERROR_LOG_INTERVAL_MS = 10_000

/**
 * Connects to REDIS_URL when set. Commands fail fast while Redis is unreachable (no offline queue),
 * so callers can fall back instead of hanging; the client keeps reconnecting in the background.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.redisUrl) {
      app.decorate('redis', undefined)
      return
    }
    const redis = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    })
    let lastLogged = 0
    redis.on('error', (error) => {
      if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return
      lastLogged = Date.now()
      app.log.error(
        { err: error },
        'Redis unavailable: rate limits fall back or are skipped until it returns',
      )
    })
    redis.on('ready', () => {
      if (lastLogged > 0) app.log.info('Redis connection restored')
      lastLogged = 0
    })
    // Start even if Redis is down: the API serves without it and picks it up when it returns.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STARTUP_WAIT_MS)
      redis.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    app.decorate('redis', redis)
    app.addHook('onClose', async () => {
      redis.disconnect()
    })
  },
  { name: 'redis' },
)
