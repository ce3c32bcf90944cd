import type { Db } from '../../db/client.js'
import type { ActivityType } from '../../db/schema/index.js'
import { type ActivityEvent, activityAfter } from './repository.js'

/** What a counselor's pool needs to hear about; admins hear about everything. */
const POOL_TYPES: ReadonlySet<ActivityType> = new Set([
  'created',
  'resubmitted',
  'claimed',
  'released',
  'assigned',
  // A pool that still shows an erased person's name must reload.
  'erased',
])

export const isVisibleTo = (role: 'admin' | 'counselor', type: ActivityType): boolean =>
  role === 'admin' || POOL_TYPES.has(type)

/** The smallest ObjectId created at or after this moment. */
export const objectIdAt = (ms: number): string =>
  Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, '0') + '0'.repeat(16)

export interface EventHubOptions {
  pollMs: number
  /** How late a committed entry may still be picked up (slow transactions, clock skew). */
  lookbackMs: number
  onError: (error: unknown) => void
}

export type Listener = (event: ActivityEvent) => void

/**
 * Live updates from the activity log, the outbox every change writes in its own transaction: one
 * poller per instance reads the entries of the last few seconds through the primary key and hands
 * each new one to every listener. Every instance reads the same table, so it works across instances
 * and on the embedded database alike; it polls only while someone listens.
 */
export function createEventHub(db: Db, options: EventHubOptions) {
  const listeners = new Set<Listener>()
  /** Entries already handed out, by id, with when they were first seen. */
  const seen = new Map<string, number>()
  let timer: NodeJS.Timeout | undefined
  let polling = false

  async function poll(announce: boolean): Promise<void> {
    if (polling) return
    polling = true
    try {
      const now = Date.now()
      const entries = await activityAfter(db, objectIdAt(now - options.lookbackMs), 1000)
      for (const entry of entries) {
        if (seen.has(entry.id)) continue
        seen.set(entry.id, now)
        if (announce) for (const listener of listeners) listener(entry)
      }
      for (const [id, firstSeen] of seen) {
        if (firstSeen < now - 2 * options.lookbackMs) seen.delete(id)
      }
    } catch (error) {
      options.onError(error)
    } finally {
      polling = false
    }
  }

  function start(): void {
    // The first read only learns what already happened: listeners hear what happens next.
    void poll(false)
    timer = setInterval(() => void poll(true), options.pollMs)
    timer.unref()
  }

  return {
    subscribe(listener: Listener): () => void {
      listeners.add(listener)
      if (!timer) start()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
          seen.clear()
        }
      }
    },
    /** Entries after a client's Last-Event-ID, for a reconnect to catch up. */
    replayAfter(lastEventId: string, limit: number): Promise<ActivityEvent[]> {
      return activityAfter(db, lastEventId, limit)
    },
    get listenerCount(): number {
      return listeners.size
    },
  }
}

export type EventHub = ReturnType<typeof createEventHub>
