import type { PGlite } from '@electric-sql/pglite'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { DatabaseTarget } from '../config.js'
import type * as schema from './schema/index.js'

/** The Drizzle handle feature code uses; a transaction handle has the same type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export interface Database {
  db: Db
  kind: DatabaseTarget['kind']
  /**
   * How the job queue reaches the same database: a pool of its own on a PostgreSQL server, the
   * very same instance for PGlite (one connection per process).
   */
  jobQueueTarget: { kind: 'postgres'; url: string } | { kind: 'pglite'; client: PGlite }
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

export interface OpenOptions {
  /** Told when an idle PostgreSQL connection breaks (server restart, failover); the pool replaces it. */
  onConnectionError?: (error: Error) => void
}

const CHANNEL = /^[a-z_]+$/

/** A NOTIFY channel is spliced into LISTEN as an identifier: lower-case letters and _ only. */
export function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${channel}`)
}
