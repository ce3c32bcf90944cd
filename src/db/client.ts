import { sql } from 'drizzle-orm'
import type { DatabaseTarget } from '../config.js'
import type { Database, Db, OpenOptions } from './database.js'
import { openPglite } from './pglite.js'
import { openPostgres } from './postgres.js'

/**
 * Where the application opens its database. The concerns live one per file: database.ts (the
 * types), postgres.ts (the pool and its migrations), postgres-listen.ts (LISTEN with reconnection),
 * pglite.ts (the embedded database and its migration queue), embedded-lock.ts (one process per
 * embedded database), migrations.ts (where they are, and their lock).
 */
export type { Database, Db, OpenOptions } from './database.js'
export { createPglite, wrapPglite } from './pglite.js'

export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, options) : openPglite(target.dataDir)
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`)
}
