import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { checkChannel, type Database } from './database.js'
import { lockEmbeddedDatabase } from './embedded-lock.js'
import { migrationsFolder } from './migrations.js'
import * as schema from './schema/index.js'

/**
 * A PGlite instance (in memory, or kept in `dataDir`; starting from the data directory in
 * `tarball` if given) with the extensions the schema uses: pg_trgm, for substring search. Every
 * embedded database is opened through here.
 */
export function createPglite(dataDir?: string, tarball?: Blob): Promise<PGlite> {
  return PGlite.create({
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(tarball !== undefined ? { loadDataDir: tarball } : {}),
    extensions: { pg_trgm },
  })
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
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
    jobQueueTarget: { kind: 'pglite', client },
    migrate() {
      const previous = pgliteMigrations.get(client) ?? Promise.resolve()
      const next = previous.catch(() => {}).then(() => migratePglite(db, { migrationsFolder }))
      pgliteMigrations.set(client, next)
      return next
    },
    async listen(channel, onMessage, onListening) {
      checkChannel(channel)
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
