import fp from 'fastify-plugin'
import type { Db } from '../../db/client.js'
import type { OutboundEvent } from './catalogue.js'
import { takeOutboxEvents } from './repository.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Outbound events as they commit: each consumer enqueues its work in the given transaction. */
    outbox: { consume(consumer: OutboxConsumer): void }
  }
}

/** Enqueues what the events cause (deliveries, mails) through `tx`, the transaction that takes them. */
export type OutboxConsumer = (tx: Db, events: OutboundEvent[]) => Promise<void>

const BATCH = 200

/**
 * Moves events from the outbox into the job queue: each instance polls, takes a batch (rows
 * another instance holds are skipped), lets every consumer enqueue its jobs and deletes the rows,
 * all in one transaction. A crash before the commit leaves the events for the next poll; after
 * it, the jobs are durable. So every committed change is delivered, at least once.
 */
export default fp<{ pollMs: number }>(
  async (app, options) => {
    const consumers: OutboxConsumer[] = []
    app.decorate('outbox', { consume: (consumer: OutboxConsumer) => consumers.push(consumer) })

    let timer: NodeJS.Timeout | undefined
    let running: Promise<void> | undefined
    let stopping = false

    async function drain(): Promise<void> {
      for (;;) {
        // Fanning events out into deliveries and mails is background work too: it gives way to
        // requests, and the events wait in the outbox meanwhile.
        await app.jobs.whenRequestsQuiet()
        if (stopping) return
        const taken = await app.db.transaction(async (tx) => {
          const events = await takeOutboxEvents(tx, BATCH)
          for (const consume of consumers) if (events.length > 0) await consume(tx, events)
          return events.length
        })
        if (taken < BATCH || stopping) return
      }
    }

    function tick(): void {
      if (running || stopping) return
      running = drain()
        .catch((error: unknown) =>
          app.log.error({ err: error }, 'outbox: dispatching events failed'),
        )
        .finally(() => {
          running = undefined
        })
    }

    app.addHook('onReady', async () => {
      if (consumers.length === 0) return
      timer = setInterval(tick, options.pollMs)
      timer.unref()
    })
    app.addHook('preClose', async () => {
      stopping = true
      clearInterval(timer)
      await running
    })
  },
  { name: 'outbox', dependencies: ['database', 'jobs'] },
)
