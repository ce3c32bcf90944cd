import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'

/** Never written to a log, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  'password',
  'token',
]

/** pino: JSON lines (pretty in development, unless a destination is given), secrets redacted. */
export function loggerOptions(
  config: Config,
  destination?: DestinationStream,
): FastifyServerOptions['logger'] {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  if (destination) return { ...options, stream: destination }
  if (config.env === 'development') {
    return {
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }
  }
  return options
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** A well-formed incoming X-Request-Id is kept (to follow a request across services); else a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
