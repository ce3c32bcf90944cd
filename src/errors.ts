import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { codeForStatus, type ErrorCode, errorCodes } from './error-codes.js'
import { PATTERN_MESSAGES } from './schemas.js'

export interface FieldError {
  field: string
  message: string
}

/**
 * A failure the client can act on; the error handler turns it into
 * `{success: false, message, code, errors?}` with the status its code carries.
 */
export class AppError extends Error {
  readonly statusCode: number
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string> | undefined

  constructor(
    readonly code: ErrorCode,
    message: string = errorCodes[code].message,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message)
    this.name = 'AppError'
    this.statusCode = errorCodes[code].status
    this.errors = options.errors
    this.headers = options.headers
  }
}

/** A 400 naming each offending field. */
export const validationFailed = (message: string, errors: FieldError[]) =>
  new AppError('VALIDATION_FAILED', message, { errors })

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

function toFieldErrors(issues: AjvIssue[], part: string | undefined): FieldError[] {
  const byField = new Map<string, string>()
  for (const issue of issues) {
    const field = fieldOf(issue, part)
    if (!byField.has(field)) byField.set(field, messageOf(issue))
  }
  return [...byField].map(([field, message]) => ({ field, message }))
}

/** The body of every error response. Field errors also carry express-validator's names for their parts. */
function errorBody(code: ErrorCode, message: string, errors?: FieldError[]) {
  return {
    success: false as const,
    message,
    code,
    ...(errors ? { errors: errors.map((e) => ({ ...e, msg: e.message, path: e.field })) } : {}),
  }
}

const isInvalidJson = (error: FastifyError) =>
  error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // A route that had started a download (the CSV export) answers its error as JSON, not as a file.
    reply.removeHeader('content-disposition')
    reply.type('application/json; charset=utf-8')
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers)
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.errors))
    }
    if (error.validation) {
      const errors = toFieldErrors(error.validation as AjvIssue[], error.validationContext)
      const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ')
      return reply
        .status(400)
        .send(errorBody('VALIDATION_FAILED', `Validation failed: ${summary}`, errors))
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // Fastify's own messages can name internals; each status gets the catalogue's wording.
      const code = isInvalidJson(error) ? 'INVALID_JSON' : codeForStatus(status)
      return reply.status(status).send(errorBody(code, errorCodes[code].message))
    }
    // The detail (often SQL or a stack) goes to the log, never to the client.
    request.log.error({ err: error }, 'request failed')
    return reply.status(500).send(errorBody('INTERNAL_ERROR', errorCodes.INTERNAL_ERROR.message))
  })
}

/** The answer to a route nobody registered (rate limited like every other request: see app.ts). */
export function replyRouteNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]?.slice(0, 200)
  reply.status(404).send(errorBody('ROUTE_NOT_FOUND', `Route ${request.method} ${path} not found`))
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a malformed request line, headers
 * over the size limit, a request that did not arrive within REQUEST_TIMEOUT_MS) are answered in
 * the API's error format too, then the connection is closed.
 */
export function replyClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST'
  const { status, message } = errorCodes[code]
  const body = JSON.stringify(errorBody(code, message))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
