import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PATTERN_MESSAGES } from './schemas.js'

export interface FieldError {
  field: string
  message: string
}

/** A failure the client can act on; the error handler turns it into `{success:false, message}`. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors?: FieldError[]) {
    super(400, message, errors)
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Not authorized, please log in') {
    super(401, message)
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this') {
    super(403, message)
  }
}
export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(404, message)
  }
}
export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, message)
  }
}
export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, undefined, { 'retry-after': String(retryAfterSeconds) })
  }
}

interface AjvIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/** `/notes/0/text` → `notes.0.text`; a missing property is named by its own path. */
function fieldOf(issue: AjvIssue, part: string | undefined): string {
  const segments = issue.instancePath.split('/').filter(Boolean)
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    segments.push(issue.params.missingProperty)
  }
  return segments.join('.') || part || 'body'
}

function messageOf(issue: AjvIssue): string {
  const allowed = issue.params.allowedValues
  if (issue.keyword === 'enum' && Array.isArray(allowed)) {
    return `must be one of: ${allowed.join(', ')}`
  }
  if (issue.keyword === 'required') return 'is required'
  if (issue.keyword === 'finite') return 'must be a finite number'
  if (issue.keyword === 'pattern' && typeof issue.params.pattern === 'string') {
    return PATTERN_MESSAGES[issue.params.pattern] ?? issue.message ?? 'is invalid'
  }
  return issue.message ?? 'is invalid'
}

export function toFieldErrors(issues: AjvIssue[], part: string | undefined): FieldError[] {
  const byField = new Map<string, string>()
  for (const issue of issues) {
    const field = fieldOf(issue, part)
    if (!byField.has(field)) byField.set(field, messageOf(issue))
  }
  return [...byField].map(([field, message]) => ({ field, message }))
}

/** Statuses whose Fastify message is safe and useful to show as is. */
const CLIENT_ERROR_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authorized, please log in',
  404: 'Not found',
  408: 'The request took too long to arrive',
  413: 'Request body is too large',
  415: 'Unsupported media type: send application/json',
  429: 'Too many requests, please try again later',
  431: 'Request headers are too large',
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // A route that had started a download (the CSV export) answers its error as JSON, not as a file.
    reply.removeHeader('content-disposition')
    reply.type('application/json; charset=utf-8')
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers)
      return reply.status(error.statusCode).send({
        success: false,
        message: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      })
    }
    if (error.validation) {
      const errors = toFieldErrors(error.validation as AjvIssue[], error.validationContext)
      const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ')
      return reply
        .status(400)
        .send({ success: false, message: `Validation failed: ${summary}`, errors })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const message =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'Request body is not valid JSON'
          : (CLIENT_ERROR_MESSAGES[status] ?? error.message)
      return reply.status(status).send({ success: false, message })
    }
    // The detail (often SQL or a stack) goes to the log, never to the client.
    request.log.error({ err: error }, 'request failed')
    return reply.status(500).send({ success: false, message: 'Server Error' })
  })
}

/** The answer to a route nobody registered (rate limited like every other request: see app.ts). */
export function replyRouteNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]?.slice(0, 200)
  reply.status(404).send({ success: false, message: `Route ${request.method} ${path} not found` })
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a malformed request line, headers
 * over the size limit, a request that did not arrive within REQUEST_TIMEOUT_MS) are answered in
 * the API's error format too, then the connection is closed.
 */
export function replyClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400
  const body = JSON.stringify({ success: false, message: CLIENT_ERROR_MESSAGES[status] })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
