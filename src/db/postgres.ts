import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import { CONNECT_TIMEOUT_MS, databaseConnectionFailure } from '../startup-failure.js'
import type { Database, OpenOptions } from './database.js'
import { MIGRATION_LOCK_ID, migrationsFolder } from './migrations.js'
import { listenPostgres } from './postgres-listen.js'
import * as schema from './schema/index.js'

/** A pool of 10 connections; migrations under an advisory lock; LISTEN on a connection of its own. */
export async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // Without a listener, a broken idle connection would crash the process.
  pool.on('error', (error) => options.onConnectionError?.(error))
  const db = drizzlePg(pool, { schema })
  return {
    db,
    kind: 'postgres',
    jobQueueTarget: { kind: 'postgres', url },
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
