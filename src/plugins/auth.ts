import fastifyJwt from '@fastify/jwt'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Employee, EmployeeRole } from '../db/schema/index.js'
import { AppError } from '../errors.js'
import { CallerCache } from './caller-cache.js'

/** What a token carries: who, their role when it was issued, and the token version to revoke it. */
export interface TokenClaims {
  sub: string
  role: EmployeeRole
  ver: number
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims
    user: TokenClaims & { iat: number; exp: number }
  }
}

// Routes use these as preValidation hooks: after rate limiting (onRequest) has counted the
// request, and before its input is validated.
declare module 'fastify' {
  interface FastifyInstance {
    /** Hook: a valid token for an active employee, else 401. */
    authenticate: (request: FastifyRequest) => Promise<void>
    /** Hook: as authenticate when an Authorization header is sent; anonymous otherwise. */
    identify: (request: FastifyRequest) => Promise<void>
    /** Hook: authenticate, then 403 unless the employee is an admin. */
    requireAdmin: (request: FastifyRequest) => Promise<void>
    issueToken: (employee: Pick<Employee, 'id' | 'role' | 'tokenVersion'>) => string
    /** After a change to an employee has committed: their next request reads them afresh. */
    forgetCaller: (employeeId: string) => void
    /** The claims of a validly signed bearer token on this request (verified once), if any. */
    verifyBearer: (request: FastifyRequest) => TokenClaims | undefined
  }
  interface FastifyRequest {
    /** The authenticated employee, as the database holds them (see CallerCache). */
    employee?: Employee
  }
}

const OBJECT_ID = /^[0-9a-f]{24}$/
/** Notified by a trigger on every change to an employee (drizzle/0005). */
const EMPLOYEE_CHANGED = 'crm_employee_changed'

function isTokenClaims(value: unknown): value is TokenClaims {
  const claims = value as Partial<TokenClaims> | null
  return (
    typeof claims?.sub === 'string' && OBJECT_ID.test(claims.sub) && Number.isInteger(claims.ver)
  )
}

/**
 * RFC 6750: `Bearer`, in any letter case, one or more spaces, one token, and nothing after it
 * (whitespace around the whole value is not part of it: HTTP strips it). Anything else, such as
 * a second word, a tab or a comma, means no token at all.
 */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

function bearerTokenOf(header: string | undefined): string | undefined {
  return BEARER.exec(header?.trim() ?? '')?.[1]
}

/**
 * A scope of routes for logged-in employees: authentication is declared once, for all of them,
 * as a preValidation hook (after rate limiting has counted the request, before its input is
 * validated). `forAdmins` does the same for admin-only routes.
 */
export const forEmployees =
  (routes: FastifyPluginAsyncTypebox): FastifyPluginAsyncTypebox =>
  async (app, options) => {
    app.addHook('preValidation', app.authenticate)
    await routes(app, options)
  }

export const forAdmins =
  <Options extends object = Record<never, never>>(
    routes: FastifyPluginAsyncTypebox<Options>,
  ): FastifyPluginAsyncTypebox<Options> =>
  async (app, options) => {
    app.addHook('preValidation', app.requireAdmin)
    await routes(app, options)
  }

/** The caller's employee record; routes behind authenticate always have one. */
export function currentEmployee(request: FastifyRequest): Employee {
  if (!request.employee) throw new AppError('UNAUTHENTICATED')
  return request.employee
}

export interface AuthPluginOptions {
  config: Config
  /** The employee a token names, as the database holds them now (the app passes the employees module's). */
  findCaller: (id: string) => Promise<Employee | undefined>
}

export default fp<AuthPluginOptions>(
  async (app, { config, findCaller }) => {
    await app.register(fastifyJwt, {
      secret: config.jwt.secret,
      sign: { algorithm: 'HS256', expiresIn: config.jwt.expiresInSeconds },
      // Pinned: with a plain secret the verifier would otherwise also accept HS384 and HS512.
      // A token without an expiry would never die: refused, however it was signed.
      verify: { algorithms: ['HS256'], requiredClaims: ['exp'] },
    })

    app.decorate('issueToken', (employee: Pick<Employee, 'id' | 'role' | 'tokenVersion'>) =>
      app.jwt.sign({ sub: employee.id, role: employee.role, ver: employee.tokenVersion }),
    )

    const callers = await cachedCallers(app, config.authCacheTtlMs, findCaller)
    app.decorate('forgetCaller', (employeeId: string) => callers.forget(employeeId))

    const verifyBearer = bearerVerifier(app)
    app.decorate('verifyBearer', (request: FastifyRequest) => {
      const outcome = verifyBearer(request)
      return 'claims' in outcome && isTokenClaims(outcome.claims) ? outcome.claims : undefined
    })

    async function authenticate(request: FastifyRequest): Promise<void> {
      const outcome = verifyBearer(request)
      if ('error' in outcome) {
        const expired = (outcome.error as { code?: string }).code === 'FAST_JWT_EXPIRED'
        throw new AppError(expired ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED')
      }
      const { claims } = outcome
      if (!isTokenClaims(claims)) throw new AppError('UNAUTHENTICATED')
      // The database, not the token, decides: a deactivated or deleted employee, or a token
      // issued before a password change, is refused at once.
      const employee = await callers.get(claims.sub)
      if (!employee?.isActive || employee.tokenVersion !== claims.ver) {
        throw new AppError('UNAUTHENTICATED')
      }
      request.employee = employee
    }

    app.decorateRequest('employee', undefined)
    app.decorate('authenticate', authenticate)
    app.decorate('identify', async (request: FastifyRequest) => {
      if (request.headers.authorization !== undefined) await authenticate(request)
    })
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      await authenticate(request)
      if (currentEmployee(request).role !== 'admin') {
        throw new AppError('ADMIN_ONLY')
      }
    })
  },
  { name: 'auth', dependencies: ['database'] },
)

/**
 * The callers' cache, kept true by the database: a change to an employee made by any instance is
 * notified (drizzle/0005) and forgotten here; while notifications are lost nothing is cached.
 */
async function cachedCallers(
  app: FastifyInstance,
  ttlMs: number,
  findCaller: AuthPluginOptions['findCaller'],
): Promise<CallerCache> {
  const callers = new CallerCache(ttlMs, findCaller)
  if (ttlMs === 0) return callers
  let stopping = false
  const stopListening = await app.listenToDatabase(
    EMPLOYEE_CHANGED,
    (id) => callers.forget(id),
    (listening) => {
      callers.enabled = listening
      if (!listening && !stopping) {
        app.log.warn('employee change notifications lost: reading callers on every request')
      }
    },
  )
  app.addHook('onClose', async () => {
    stopping = true
    await stopListening()
  })
  return callers
}

type Verification = { claims: unknown } | { error: unknown }

/**
 * Verifies a request's bearer token once: the rate limiter (which keys on the employee) and
 * authenticate both need it.
 */
function bearerVerifier(app: FastifyInstance): (request: FastifyRequest) => Verification {
  const verified = new WeakMap<FastifyRequest, Verification>()
  return (request) => {
    let outcome = verified.get(request)
    if (!outcome) {
      const token = bearerTokenOf(request.headers.authorization)
      try {
        if (!token) throw new Error('no bearer token')
        outcome = { claims: app.jwt.verify(token) }
      } catch (error) {
        outcome = { error }
      }
      verified.set(request, outcome)
    }
    return outcome
  }
}
