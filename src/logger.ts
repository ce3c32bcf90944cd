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

/**
 * Query parameters that can carry a prospect's personal data (a search, a subject access
 * request): logged as `[redacted]`, so that no log line holds what an erasure removed.
 */
const PERSONAL_QUERY_PARAMETERS = new Set(['q', 'email', 'phone', 'name'])

/** A request URL as logged: the path, and the query with personal values redacted. */
export function loggableUrl(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return url
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? ''
      let decoded = name
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '))
      } catch {
        // A malformed name is logged as sent, its value redacted below like any other's.
        return `${name}=[redacted]`
      }
      return PERSONAL_QUERY_PARAMETERS.has(decoded) ? `${name}=[redacted]` : pair
    })
    .join('&')
  return `${url.slice(0, start)}?${query}`
}

interface LoggedRequest {
  method?: string
  url?: string
  headers?: Record<string, string | string[] | undefined>
  host?: string
  ip?: string
  socket?: { remotePort?: number }
}

const firstOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

/** Fastify's own request serializer, with the URL made loggable. */
function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    // Objects logged as `req` on purpose may lack a URL.
    url: typeof request.url === 'string' ? loggableUrl(request.url) : undefined,
    version: firstOf(request.headers?.['accept-version']),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

/** pino: JSON lines (pretty in development, unless a destination is given), secrets redacted. */
export function loggerOptions(
  config: Config,
  destination?: DestinationStream,
): FastifyServerOptions['logger'] {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
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
