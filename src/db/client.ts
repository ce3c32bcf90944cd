import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import type { DatabaseTarget } from '../config.js'
import { CONNECT_TIMEOUT_MS, databaseConnectionFailure } from '../startup-failure.js'
import { lockEmbeddedDatabase } from './embedded-lock.js'
import * as schema from './schema/index.js'

/** The Drizzle handle feature code uses; a transaction handle has the same type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  db: Db
  kind: DatabaseTarget['kind']
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>
  /**
   * Calls `onMessage` with the payload of each NOTIFY on `channel`. `onListening(false)` means
   * notifications may be missed from then on (connection lost; it is retried every second) until
   * `onListening(true)`. Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onListening: (listening: boolean) => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}

const CHANNEL = /^[a-z_]+$/

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))
// Any constant shared by every instance of this service; serializes concurrent migrations.
const MIGRATION_LOCK_ID = 0x63726d // "crm"

export interface OpenOptions {
  /** Told when an idle PostgreSQL connection breaks (server restart, failover); the pool replaces it. */
  onConnectionError?: (error: Error) => void
}

export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, options) : openPglite(target.dataDir)
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // Without a listener, a broken idle connection would crash the process.
  pool.on('error', (error) => options.onConnectionError?.(error))
  const db = drizzlePg(pool, { schema })
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // The lock and the migration must share one connection, so use a dedicated client. Being
      // the first connection made, its failure is the one an operator sees: said in one line.
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      })
      await client.connect().catch((error: unknown) => {
        throw databaseConnectionFailure(error, url)
      })
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID])
        await migratePg(drizzlePg(client), { migrationsFolder })
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {})
        await client.end()
      }
    },
    listen: (channel, onMessage, onListening) =>
      listenPostgres(url, channel, onMessage, onListening),
    close: () => pool.end(),
  }
}

/** LISTEN on a connection of its own, reconnecting while the server is unreachable. */
async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onListening: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${channel}`)
  let current: pg.Client | undefined
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  const lost = (client: pg.Client) => {
    if (client !== current && current !== undefined) return
    current = undefined
    onListening(false)
    client.end().catch(() => {})
    if (!stopped && !retry) {
      retry = setTimeout(() => {
        retry = undefined
        void connect()
      }, 1000)
      retry.unref()
    }
  }
  const connect = async () => {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    })
    client.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '')
    })
    client.on('error', () => lost(client))
    client.on('end', () => lost(client))
    try {
      await client.connect()
      await client.query(`LISTEN ${channel}`)
      if (stopped) return void (await client.end())
      current = client
      onListening(true)
    } catch {
      lost(client)
    }
  }
  await connect()
  return async () => {
    stopped = true
    clearTimeout(retry)
    const client = current
    current = undefined
    onListening(false)
    await client?.end().catch(() => {})
  }
}

/**
 * A PGlite instance (in memory, or kept in `dataDir`) with the extensions the schema uses: pg_trgm,
 * for substring search. Every embedded database is opened through here.
 */
export function createPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir !== undefined ? { dataDir } : {}), extensions: { pg_trgm } })
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (!dataDir) return wrapPglite(await createPglite())
  await mkdir(dataDir, { recursive: true })
  const unlock = await lockEmbeddedDatabase(dataDir)
  try {
    const database = wrapPglite(await createPglite(dataDir))
    return {
      ...database,
      close: async () => {
        await database.close()
        await unlock()
      },
    }
  } catch (error) {
    await unlock()
    throw error
  }
}

// A PGlite instance is one connection, where an advisory lock cannot make two callers wait for
// each other; migrations of one instance are queued here instead.
const pgliteMigrations = new WeakMap<PGlite, Promise<void>>()

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client, { schema })
  return {
    db,
    kind: 'pglite',
    migrate() {
      const previous = pgliteMigrations.get(client) ?? Promise.resolve()
      const next = previous.catch(() => {}).then(() => migratePglite(db, { migrationsFolder }))
      pgliteMigrations.set(client, next)
      return next
    },
    async listen(channel, onMessage, onListening) {
      if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${channel}`)
      // One in-process instance: notifications cannot be lost in transit.
      const unlisten = await client.listen(channel, onMessage)
      onListening(true)
      return async () => {
        onListening(false)
        // Closing the instance has already ended every subscription.
        if (!client.closed) await unlisten()
      }
    },
    close: () => client.close(),
  }
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`)
}
