import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv } from 'node:util'
import envSchema from 'env-schema'
import { type Static, Type } from 'typebox'
import { createAjv } from './validation.js'

/** Every environment variable the service reads, validated once at start. */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  DATABASE_URL: Type.String({
    pattern: '^(postgres|postgresql)://.+|^pglite://.+|^memory://$',
    default: 'pglite://./data/crm',
  }),
  JWT_SECRET: Type.Optional(Type.String()),
  JWT_EXPIRE: Type.String({ pattern: '^[1-9][0-9]*[smhd]?$', default: '7d' }),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
  ADMIN_NAME: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
  ALLOW_PUBLIC_REGISTRATION: Type.Optional(Type.Boolean()),
  LOG_LEVEL: Type.Optional(
    Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 10_485_760, default: 102_400 }),
  CORS_ORIGIN: Type.String({ minLength: 1, default: '*' }),
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(true|false|[0-9a-fA-F:.,/ ]+)$' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: 'crm:' }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 900_000 }),
  RATE_LIMIT_MAX_REQUESTS: Type.Integer({ minimum: 1, default: 100 }),
  RATE_LIMIT_EMPLOYEE_MAX: Type.Integer({ minimum: 1, default: 1000 }),
  AUTH_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 10 }),
  ENQUIRY_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_ACCOUNT_MAX_FAILURES: Type.Integer({ minimum: 1, default: 100 }),
  LOGIN_FAILURE_WINDOW_MS: Type.Integer({ minimum: 1000, default: 900_000 }),
  METRICS_ENABLED: Type.Boolean({ default: true }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000 }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 10_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  AUTH_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 2_000 }),
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  FORM_EMBED_ORIGINS: Type.Optional(
    Type.String({ pattern: '^\\s*https?://[^\\s,]+(\\s*,\\s*https?://[^\\s,]+)*\\s*$' }),
  ),
  FORM_COURSES: Type.Optional(Type.String({ maxLength: 5000 })),
  JOB_POLL_INTERVAL_SECONDS: Type.Number({ minimum: 0.5, maximum: 60, default: 1 }),
  JOB_STATS_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
  JOB_BACKGROUND_WAIT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 5000 }),
  PRIVACY_NOTICE_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
  ),
  PRIVACY_NOTICE_VERSION: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  REQUIRE_PRIVACY_CONSENT: Type.Boolean({ default: false }),
  RETENTION_CLOSED_DAYS: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
  WEBHOOK_RETRY_DELAYS: Type.String({
    pattern: '^\\s*[0-9]+[smhd]?(\\s*,\\s*[0-9]+[smhd]?)*\\s*$',
    default: '5s,30s,2m,10m,1h,6h',
  }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ minLength: 3, maxLength: 254, default: 'CRM <no-reply@localhost>' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
})
type Env = Static<typeof EnvSchema>

/** The name of every setting, for the docs check. */
export const SETTING_NAMES: readonly string[] = Object.keys(EnvSchema.properties)

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | undefined } // undefined: in memory

export interface Config {
  port: number
  host: string
  env: 'development' | 'production' | 'test'
  database: DatabaseTarget
  jwt: { secret: string; expiresInSeconds: number; secretIsEphemeral: boolean }
  /** How long an instance may reuse the employee behind a token (0: read it on every request). */
  authCacheTtlMs: number
  admin: { email: string; password: string; name: string } | undefined
  allowPublicRegistration: boolean
  /** Public registration was switched on in production by ALLOW_PUBLIC_REGISTRATION=true. */
  publicRegistrationOptedIn: boolean
  logLevel: string
  bodyLimit: number
  /** `*`, or the exact origins allowed to call the API from a browser. */
  corsOrigins: '*' | string[]
  /** Fastify's trustProxy: false, true, or the proxy addresses/CIDRs whose X-Forwarded-For is believed. */
  trustProxy: boolean | string[]
  redisUrl: string | undefined
  /** Every Redis key starts with this, so several deployments can share one Redis. */
  redisKeyPrefix: string
  rateLimit: {
    windowMs: number
    max: number
    /** A logged-in employee's quota: the console makes many small requests. */
    employeeMax: number
    authMax: number
    enquiryMax: number
  }
  /**
   * Per (account, client address): `maxFailures` per window. Per account: past
   * `accountMaxFailures`, only addresses that have not tried yet in the window are checked.
   */
  loginLockout: { maxFailures: number; accountMaxFailures: number; windowMs: number }
  metricsEnabled: boolean
  /** Bearer token /metrics asks for; without one, production does not serve /metrics at all. */
  metricsToken: string | undefined
  /** How long a client may take to send a whole request, and its headers (ms). */
  requestTimeoutMs: number
  headersTimeoutMs: number
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT. */
  shutdownTimeoutMs: number
  /** Worker processes (node:cluster); more than one needs a PostgreSQL DATABASE_URL. */
  webConcurrency: number
  /** The built web console (index.html and assets/); without it the server serves the API only. */
  consoleDir: string
  /** Sites allowed to embed the public form (/form, /embed.js) in a frame, besides this one. */
  formEmbedOrigins: string[]
  /** The courses the public form offers; empty: a free-text course field. */
  formCourses: string[]
  /** The durable job queue: how often idle workers look for due jobs, and its counts refresh (s). */
  jobs: { pollIntervalSeconds: number; statsIntervalSeconds: number; backgroundWaitMs: number }
  privacy: {
    /** The privacy notice the public form links to; unset: the form shows no consent boxes. */
    noticeUrl: string | undefined
    /** Stored with every consent, so it shows which notice the person agreed to. */
    noticeVersion: string | undefined
    /** A submission without `consent.privacyNotice: true` is refused. */
    consentRequired: boolean
    /** Converted or lost enquiries closed longer ago than this are erased daily; unset: kept. */
    retentionClosedDays: number | undefined
  }
  webhooks: {
    /** The wait before each retry of a failed delivery (seconds); its length is the retry count. */
    retryDelaysSeconds: number[]
    /** Deliver to loopback, private, link-local and metadata addresses too (tests, on-premise). */
    allowPrivate: boolean
  }
  /** Email notifications; undefined: off. */
  mail: { smtpUrl: string; from: string } | undefined
  /** Where the console is reached from outside, for links in emails (no trailing slash). */
  publicUrl: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const

function parseDuration(value: string): number {
  const unit = value.at(-1)
  if (unit === 's' || unit === 'm' || unit === 'h' || unit === 'd') {
    return Number(value.slice(0, -1)) * UNIT_SECONDS[unit]
  }
  return Number(value)
}

function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url === 'memory://') return { kind: 'pglite', dataDir: undefined }
  if (url.startsWith('pglite://')) return { kind: 'pglite', dataDir: url.slice('pglite://'.length) }
  return { kind: 'postgres', url }
}

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  return splitList(value)
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    throw new ConfigError(`Invalid configuration: FORM_EMBED_ORIGINS has an invalid origin: ${url}`)
  }
}

function readDotEnv(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
}

const PATTERN_HINTS: Record<string, string> = {
  TRUST_PROXY: 'must be true, false, or a comma-separated list of proxy addresses or CIDRs',
  REDIS_URL: 'must start with redis:// or rediss://',
  DATABASE_URL: 'must start with postgres://, postgresql:// or pglite://, or be memory://',
  JWT_EXPIRE: 'must be a duration such as 7d, 12h, 30m, 45s or a number of seconds',
  FORM_EMBED_ORIGINS: 'must be a comma-separated list of origins such as https://www.example.edu',
  PRIVACY_NOTICE_URL: 'must be an http:// or https:// address',
  WEBHOOK_RETRY_DELAYS: 'must be a comma-separated list of durations such as 5s,30s,2m,1h',
  SMTP_URL: 'must start with smtp:// or smtps://',
  PUBLIC_URL: 'must be an http(s) URL such as https://crm.example.edu',
}

/** One line naming the offending variable, e.g. "PORT must be integer". */
function describeEnvError(error: unknown): string {
  const details = (
    error as {
      errors?: {
        instancePath: string
        message?: string
        params?: { missingProperty?: string; allowedValues?: unknown[] }
      }[]
    }
  ).errors
  const first = details?.[0]
  if (!first) return String(error)
  const variable =
    first.instancePath.replace(/^\//, '') || first.params?.missingProperty || 'environment'
  const allowed = first.params?.allowedValues
  const message =
    PATTERN_HINTS[variable] ??
    (allowed ? `must be one of: ${allowed.join(', ')}` : undefined) ??
    first.message ??
    'is invalid'
  return `Invalid configuration: ${variable} ${message}`
}

/**
 * Builds the typed configuration from the environment. A .env file in the working directory is
 * read first; real environment variables win; empty values count as unset.
 */
export function loadConfig(
  environment: Record<string, string | undefined> = process.env,
  dotEnvPath: string | undefined = resolve('.env'),
): Config {
  const env = readEnv(environment, dotEnvPath)
  checkCombinations(env)
  return toConfig(env)
}

/** The variables the schema knows, from .env then the environment (which wins), validated. */
function readEnv(
  environment: Record<string, string | undefined>,
  dotEnvPath: string | undefined,
): Env {
  const merged: Record<string, string> = {}
  const sources = [dotEnvPath ? readDotEnv(dotEnvPath) : {}, environment]
  for (const source of sources) {
    for (const key of Object.keys(EnvSchema.properties)) {
      const value = source[key]
      if (value !== undefined && value !== '') merged[key] = value
    }
  }
  try {
    return envSchema<Env>({
      schema: EnvSchema,
      data: merged,
      env: false,
      ajv: createAjv({ coerceTypes: true }),
    })
  } catch (error) {
    throw new ConfigError(describeEnvError(error))
  }
}

/** Rules that involve more than one variable, or the environment. */
function checkCombinations(env: Env): void {
  if (env.NODE_ENV === 'production' && (!env.JWT_SECRET || env.JWT_SECRET.length < 32)) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET must be set to at least 32 characters in production',
    )
  }
  const adminVariables = [env.ADMIN_EMAIL, env.ADMIN_PASSWORD, env.ADMIN_NAME]
  const adminCount = adminVariables.filter((value) => value !== undefined).length
  if (env.ADMIN_EMAIL === undefined || env.ADMIN_PASSWORD === undefined) {
    if (adminCount > 0 && !(adminCount === 1 && env.ADMIN_NAME !== undefined)) {
      throw new ConfigError(
        'Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      )
    }
  }

  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'Invalid configuration: HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS',
    )
  }

  // Consent to a notice nobody can read, or whose version nobody recorded, shows nothing.
  if (
    env.REQUIRE_PRIVACY_CONSENT &&
    (env.PRIVACY_NOTICE_URL === undefined || env.PRIVACY_NOTICE_VERSION === undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration: REQUIRE_PRIVACY_CONSENT=true needs PRIVACY_NOTICE_URL and PRIVACY_NOTICE_VERSION',
    )
  }

  if (env.WEB_CONCURRENCY > 1 && !env.DATABASE_URL.startsWith('postgres')) {
    throw new ConfigError(
      'Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL on a PostgreSQL server (only one process may open the embedded database)',
    )
  }
}

function toConfig(env: Env): Config {
  const isProduction = env.NODE_ENV === 'production'
  return {
    port: env.PORT,
    host: env.HOST,
    env: env.NODE_ENV,
    database: parseDatabaseUrl(env.DATABASE_URL),
    jwt: {
      secret: env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
      expiresInSeconds: parseDuration(env.JWT_EXPIRE),
      secretIsEphemeral: env.JWT_SECRET === undefined,
    },
    authCacheTtlMs: env.AUTH_CACHE_TTL_MS,
    admin:
      env.ADMIN_EMAIL !== undefined && env.ADMIN_PASSWORD !== undefined
        ? {
            email: env.ADMIN_EMAIL,
            password: env.ADMIN_PASSWORD,
            name: env.ADMIN_NAME ?? 'Administrator',
          }
        : undefined,
    // Off by default in production: a stranger could otherwise register and read the pool.
    allowPublicRegistration: env.ALLOW_PUBLIC_REGISTRATION ?? !isProduction,
    publicRegistrationOptedIn: isProduction && env.ALLOW_PUBLIC_REGISTRATION === true,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    bodyLimit: env.BODY_LIMIT,
    corsOrigins: env.CORS_ORIGIN.trim() === '*' ? '*' : splitList(env.CORS_ORIGIN),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      max: env.RATE_LIMIT_MAX_REQUESTS,
      employeeMax: env.RATE_LIMIT_EMPLOYEE_MAX,
      authMax: env.AUTH_RATE_LIMIT_MAX,
      enquiryMax: env.ENQUIRY_RATE_LIMIT_MAX,
    },
    loginLockout: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      accountMaxFailures: env.LOGIN_ACCOUNT_MAX_FAILURES,
      windowMs: env.LOGIN_FAILURE_WINDOW_MS,
    },
    metricsEnabled: env.METRICS_ENABLED,
    metricsToken: env.METRICS_TOKEN,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    webConcurrency: env.WEB_CONCURRENCY,
    // src/config.ts and dist/config.ts both sit one level below the project root.
    consoleDir: resolve(env.CONSOLE_DIR ?? fileURLToPath(new URL('../web/dist', import.meta.url))),
    formEmbedOrigins: splitList(env.FORM_EMBED_ORIGINS ?? '').map(originOf),
    formCourses: splitList(env.FORM_COURSES ?? '').map((course) => course.slice(0, 100)),
    jobs: {
      pollIntervalSeconds: env.JOB_POLL_INTERVAL_SECONDS,
      statsIntervalSeconds: env.JOB_STATS_INTERVAL_SECONDS,
      backgroundWaitMs: env.JOB_BACKGROUND_WAIT_MS,
    },
    privacy: {
      noticeUrl: env.PRIVACY_NOTICE_URL,
      noticeVersion: env.PRIVACY_NOTICE_VERSION,
      consentRequired: env.REQUIRE_PRIVACY_CONSENT,
      retentionClosedDays: env.RETENTION_CLOSED_DAYS,
    },
    webhooks: {
      retryDelaysSeconds: splitList(env.WEBHOOK_RETRY_DELAYS).map(parseDuration),
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    },
    mail: env.SMTP_URL === undefined ? undefined : { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
  }
}
