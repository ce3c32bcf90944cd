import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { fromPglite, PgBoss } from 'pg-boss'
import type { DatabaseTarget } from '../../src/config.js'
import { createPglite, type Database, openDatabase, wrapPglite } from '../../src/db/client.js'
import { DatabaseInUseError, lockEmbeddedDatabase } from '../../src/db/embedded-lock.js'
import { migrationsFolder } from '../../src/db/migrations.js'

/** Set to run every suite against a real PostgreSQL server instead of in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

/** Test options for a test that needs TEST_DATABASE_URL: skipped, with the reason, without it. */
export const needsPostgres = TEST_DATABASE_URL
  ? {}
  : { skip: 'needs a PostgreSQL server: set TEST_DATABASE_URL (CI does)' }

/**
 * Installs pg-boss's schema on a PGlite, as an app's first start would, and nothing else: no
 * instance registered, no schedule kept, nothing supervised.
 */
async function installJobQueueSchema(client: PGlite): Promise<void> {
  const boss = new PgBoss({
    backend: 'pglite',
    db: fromPglite(client),
    supervise: false,
    schedule: false,
    registerInstance: false,
  })
  await boss.start()
  await boss.stop()
}

let migratedTemplate: Promise<Blob> | undefined

/**
 * A fresh, migrated in-memory PGlite, loaded from a data directory migrated once per process
 * (faster than a boot and migrations). The directory is kept as a tarball, without the databases
 * only CREATE DATABASE reads (template0 and template1): a smaller tarball loads faster.
 */
async function freshPglite(): Promise<Database> {
  migratedTemplate ??= createPglite().then(async (client) => {
    await wrapPglite(client).migrate()
    // The job queue's schema too, so that each app's queue starts without installing it.
    await installJobQueueSchema(client)
    await client.exec(
      `UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`,
    )
    // One at a time: DROP DATABASE refuses to run in the transaction of a multi-statement query.
    for (const statement of ['DROP DATABASE template0', 'DROP DATABASE template1', 'CHECKPOINT'])
      await client.exec(statement)
    const tarball = await client.dumpDataDir('none')
    await client.close()
    return tarball
  })
  return wrapPglite(await createPglite(undefined, await migratedTemplate))
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** A new, empty database on the TEST_DATABASE_URL server; dropped when closed. */
export async function createPostgresDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `crm_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return {
    url: withDatabaseName(serverUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}

/** A fresh database for one app: its own PostgreSQL database, or its own PGlite. */
export async function freshDatabase(): Promise<Database> {
  if (!TEST_DATABASE_URL) return freshPglite()
  const created = await createPostgresDatabase(TEST_DATABASE_URL)
  const target: DatabaseTarget = { kind: 'postgres', url: created.url }
  const database = await openDatabase(target)
  return {
    ...database,
    close: async () => {
      await database.close()
      await created.drop()
    },
  }
}

/**
 * One empty database reachable through several independent handles, as several server processes
 * would see it: separate pools on PostgreSQL, one instance on PGlite (which is single-process).
 */
export async function sharedDatabase(): Promise<{
  open: () => Promise<Database>
  dispose: () => Promise<void>
}> {
  if (TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL)
    const handles: Database[] = []
    return {
      open: async () => {
        const handle = await openDatabase({ kind: 'postgres', url: created.url })
        handles.push(handle)
        return { ...handle, close: async () => {} }
      },
      dispose: async () => {
        await Promise.all(handles.map((handle) => handle.close()))
        await created.drop()
      },
    }
  }
  const client = await createPglite()
  return {
    open: async () => ({ ...wrapPglite(client), close: async () => {} }),
    dispose: () => client.close(),
  }
}

const root = join(import.meta.dirname, '..', '..')

/** What a migrated data directory holds depends on: the migrations, pg-boss's schema, PGlite's format. */
function templateKey(): string {
  const hash = createHash('sha256')
  const files = readdirSync(migrationsFolder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  for (const file of files) {
    hash.update(`${relative(migrationsFolder, file)}\0`)
    hash.update(readFileSync(file))
    hash.update('\0')
  }
  for (const name of ['pg-boss', '@electric-sql/pglite']) {
    const { version } = JSON.parse(
      readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version: string }
    hash.update(`${name}@${version}\0`)
  }
  return hash.digest('hex').slice(0, 16)
}

/** Opens a `pglite://` directory as the server does, migrates it, installs the job queue's schema. */
async function migrateDataDir(dataDir: string): Promise<void> {
  const database = await openDatabase({ kind: 'pglite', dataDir })
  try {
    await database.migrate()
    const target = database.jobQueueTarget
    assert.equal(target.kind, 'pglite')
    await installJobQueueSchema(target.client)
  } finally {
    // Closed cleanly (PGlite checkpoints), which also releases the directory's lock.
    await database.close()
  }
}

let pgliteTemplate: Promise<string> | undefined

/**
 * A migrated PGlite data directory to copy, shared by every test process on this machine:
 * `<tmpdir>/crm-test-pglite/<key>`, built once (under a lock, in a directory of its own, then
 * renamed into place) for each key: a hash of the migrations, pg-boss's and PGlite's versions.
 */
function migratedDataDirTemplate(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const parent = join(tmpdir(), 'crm-test-pglite')
    const template = join(parent, templateKey())
    if (existsSync(template)) return template
    mkdirSync(parent, { recursive: true })
    // The embedded database's own lock, on the parent: freed when its holder dies.
    const deadline = Date.now() + 120_000
    let unlock: (() => Promise<void>) | undefined
    while (!unlock) {
      try {
        unlock = await lockEmbeddedDatabase(parent)
      } catch (error) {
        if (!(error instanceof DatabaseInUseError) || Date.now() > deadline) throw error
        if (existsSync(template)) return template
        await sleep(200)
      }
    }
    try {
      if (existsSync(template)) return template
      // Only the lock's holder builds: a .build- directory left here is from a builder that died.
      for (const entry of readdirSync(parent))
        if (entry.startsWith('.build-'))
          rmSync(join(parent, entry), { recursive: true, force: true })
      const building = join(parent, `.build-${process.pid}-${randomBytes(4).toString('hex')}`)
      await migrateDataDir(building)
      try {
        renameSync(building, template)
      } catch (error) {
        // Built by someone else meanwhile (should the lock ever fail): theirs is as good.
        rmSync(building, { recursive: true, force: true })
        if (!existsSync(template)) throw error
      }
      return template
    } finally {
      await unlock()
    }
  })()
  return pgliteTemplate
}

/**
 * Creates `dataDir` (which must not exist) as a copy of a migrated PGlite data directory: the
 * app's migrations and the job queue's schema applied, as a server's first start applies them,
 * and nothing else (no lock, no pg-boss instance or schedule). A server starts on it in about
 * half the time, having nothing to migrate.
 */
export async function migratedPgliteDir(dataDir: string): Promise<void> {
  cpSync(await migratedDataDirTemplate(), dataDir, {
    recursive: true,
    errorOnExist: true,
    force: false,
  })
}

/**
 * A database for a real server process (or a command-line tool) to open by URL: a fresh
 * PostgreSQL database with TEST_DATABASE_URL, else an embedded directory of its own, already
 * migrated (a copy of migratedPgliteDir's), or with `empty`, not yet created: for what a first
 * start on a new directory does (migrating it, its messages).
 */
export async function serverDatabase(
  options: { empty?: boolean } = {},
): Promise<{ url: string; dispose: () => Promise<void> }> {
  if (TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL)
    return { url: created.url, dispose: created.drop }
  }
  const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-'))
  const dataDir = join(dir, 'crm')
  try {
    if (!options.empty) await migratedPgliteDir(dataDir)
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: `pglite://${dataDir}`,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** The target openDatabase takes for a URL that serverDatabase() returned. */
export function targetOf(url: string): DatabaseTarget {
  return url.startsWith('pglite://')
    ? { kind: 'pglite', dataDir: url.slice('pglite://'.length) }
    : { kind: 'postgres', url }
}

/** An empty database on which migrations can be applied up to a given one, then the rest. */
export async function unmigratedDatabase(t: { after: (fn: () => Promise<void>) => void }): Promise<{
  database: Database
  migrateUpTo: (tag: string) => Promise<void>
}> {
  const folder = mkdtempSync(join(tmpdir(), 'crm-migrations-'))
  t.after(async () => rmSync(folder, { recursive: true, force: true }))
  const journalOnly = (tag: string) => {
    cpSync('drizzle', folder, { recursive: true })
    const journalPath = join(folder, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const last = journal.entries.findIndex((entry) => entry.tag === tag)
    assert.ok(last >= 0, `no migration ${tag}`)
    journal.entries = journal.entries.slice(0, last + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
  }
  if (!TEST_DATABASE_URL) {
    const client = await createPglite()
    return {
      database: wrapPglite(client),
      migrateUpTo: async (tag) => {
        journalOnly(tag)
        await migratePglite(drizzlePglite(client), { migrationsFolder: folder })
      },
    }
  }
  const created = await createPostgresDatabase(TEST_DATABASE_URL)
  const database = await openDatabase({ kind: 'postgres', url: created.url })
  return {
    database: {
      ...database,
      close: async () => {
        await database.close()
        await created.drop()
      },
    },
    migrateUpTo: async (tag) => {
      journalOnly(tag)
      const client = new pg.Client({ connectionString: created.url })
      await client.connect()
      try {
        await migratePg(drizzlePg(client), { migrationsFolder: folder })
      } finally {
        await client.end()
      }
    },
  }
}
