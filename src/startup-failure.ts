import { ConfigError } from './config.js'

/** A start-up failure an operator can fix, told in one line (printed without a stack). */
export class StartupError extends Error {
  override name = 'StartupError'
}

/** The one line to print for a failure an operator can fix; undefined for anything else. */
export function oneLineMessage(error: unknown): string | undefined {
  return error instanceof ConfigError || error instanceof StartupError ? error.message : undefined
}

/** The URL with its password (in the user part or a `password` parameter) replaced by ***. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***')
    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
  }
}

/** How long a PostgreSQL connection attempt may take before start-up gives up. */
export const CONNECT_TIMEOUT_MS = 10_000

interface SystemOrServerError {
  code?: string
  message?: string
  errors?: { code?: string }[] // AggregateError: one per address tried
}

/** A system error code (ECONNREFUSED…) or PostgreSQL SQLSTATE (3D000…), if the error has one. */
function codeOf(error: unknown): string | undefined {
  const candidate = error as SystemOrServerError | undefined
  return candidate?.code ?? candidate?.errors?.find((inner) => inner.code)?.code
}

/**
 * Why PostgreSQL could not be reached or refused the connection, as one line naming
 * DATABASE_URL (password masked) and what to check; the error itself when it is none of those.
 */
export function databaseConnectionFailure(error: unknown, url: string): unknown {
  let host = 'the host'
  let database = 'the database'
  let user = 'the user'
  try {
    const parsed = new URL(url)
    host = `${parsed.hostname}:${parsed.port || 5432}`
    database = decodeURIComponent(parsed.pathname.slice(1)) || database
    user = decodeURIComponent(parsed.username) || user
  } catch {}
  const serverSaid = (error as SystemOrServerError).message ?? ''
  const code = codeOf(error)
  let reason: string
  if (code === 'ECONNREFUSED') {
    reason = `nothing accepts connections at ${host}. Check that PostgreSQL is running there and that the host and port are right`
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    reason = `the host name ${host.replace(/:\d+$/, '')} was not found. Check the host name`
  } else if (
    code === 'ETIMEDOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    /timeout expired|connection timeout/i.test(serverSaid) // pg's own connection timeout
  ) {
    reason = `no answer from ${host} within ${CONNECT_TIMEOUT_MS / 1000} s. Check the host and port, that it is a PostgreSQL server, and that no firewall is in the way`
  } else if (code === 'ECONNRESET' || /terminated unexpectedly/i.test(serverSaid)) {
    reason = `${host} closed the connection before PostgreSQL answered. Check that it is a PostgreSQL server and that the host and port are right`
  } else if (code === '3D000') {
    reason = `database "${database}" does not exist. Create it (createdb ${database}) or fix the database name`
  } else if (code === '28000' || code === '28P01') {
    reason = `the server refused user "${user}" (${serverSaid}). Check the user name and password`
  } else {
    return error
  }
  return new StartupError(
    `Cannot connect to the database in DATABASE_URL (${maskDatabaseUrl(url)}): ${reason}.`,
  )
}

/** Why the server cannot listen, as one line naming PORT and HOST; the error itself otherwise. */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const where = `Cannot listen on HOST ${host}, PORT ${port}`
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new StartupError(
        `${where}: the port is already in use. Stop the process using it, or set PORT to a free port.`,
      )
    case 'EACCES':
      return new StartupError(
        `${where}: permission denied (ports below 1024 need privileges). Set PORT to 1024 or above.`,
      )
    case 'EADDRNOTAVAIL':
      return new StartupError(
        `${where}: that address is not one of this machine's. Set HOST to one of its addresses, or 0.0.0.0 for all.`,
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `${where}: the host name was not found. Set HOST to an address of this machine, or 0.0.0.0 for all.`,
      )
    default:
      return error
  }
}
