import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './api-types'
import { endSession, getToken } from './auth-store'

/** Every failure the API answers with: `{success: false, message, code, errors?}`, plus what the console needs. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    /** Per-field messages of a 400, keyed by field name. */
    readonly fieldErrors: Record<string, string> = {},
    /** Seconds to wait, from Retry-After on a 429. */
    readonly retryAfterSeconds?: number,
    /** The API's stable error code (docs/api.md); absent when the server could not be reached. */
    readonly code?: string,
  ) {
    super(message)
  }
}

export const SESSION_ENDED = 'Your session has ended. Please log in again.'

const authenticate: Middleware = {
  onRequest({ request }) {
    const token = getToken()
    if (token) request.headers.set('authorization', `Bearer ${token}`)
    return request
  },
  onResponse({ request, response }) {
    // A token that stops working (expired, password changed elsewhere, account deactivated) ends
    // the session; the login page then says why. A failed login has no token and stays put.
    if (response.status === 401 && request.headers.has('authorization')) endSession(SESSION_ENDED)
    return response
  },
}

export const api = createClient<paths>({ baseUrl: '' })

/** For the few calls made with fetch itself (file downloads). */
export function getAuthorizationHeader(): Record<string, string> {
  const token = getToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}
api.use(authenticate)

interface ErrorBody {
  message?: unknown
  code?: unknown
  errors?: unknown
}

function fieldErrorsOf(errors: unknown): Record<string, string> {
  if (!Array.isArray(errors)) return {}
  const result: Record<string, string> = {}
  for (const entry of errors) {
    if (typeof entry !== 'object' || entry === null) continue
    const { field, message } = entry as { field?: unknown; message?: unknown }
    if (typeof field === 'string' && typeof message === 'string' && !(field in result)) {
      result[field] = message
    }
  }
  return result
}

function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after')
  if (header === null) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

/** Turns a failed call's body and response into an ApiError, with readable fallbacks. */
export function toApiError(error: unknown, response: Response): ApiError {
  const body = (typeof error === 'object' && error !== null ? error : {}) as ErrorBody
  const retryAfter = retryAfterOf(response)
  let message =
    typeof body.message === 'string' ? body.message : `Request failed (${response.status})`
  if (response.status === 429 && retryAfter !== undefined) {
    message = `Too many requests. Please try again in ${describeSeconds(retryAfter)}.`
  }
  const code = typeof body.code === 'string' ? body.code : undefined
  return new ApiError(response.status, message, fieldErrorsOf(body.errors), retryAfter, code)
}

function describeSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

/** The data of a successful call, or the ApiError of a failed one. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.')
  }
  const { data, error, response } = result
  if (!response.ok || data === undefined) throw toApiError(error, response)
  return data
}

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : 'Something went wrong'
