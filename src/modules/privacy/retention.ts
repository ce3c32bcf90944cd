import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { eraseExpiredEnquiries } from './service.js'

export const RETENTION_QUEUE = 'privacy-retention'

/**
 * The daily retention run on the durable job queue (one instance acts): at 03:00 UTC, enquiries
 * closed longer than RETENTION_CLOSED_DAYS are erased. Unset, the schedule is removed.
 */
export default fp<{ days: number | undefined }>(
  async (app, { days }) => {
    const erasedTotal = new Counter({
      name: 'crm_retention_erased_total',
      help: 'Enquiries erased by the retention run (closed longer than RETENTION_CLOSED_DAYS)',
      registers: [app.metrics.registry],
    })
    await app.jobs.define(
      RETENTION_QUEUE,
      async () => {
        if (days === undefined) return
        const erased = await eraseExpiredEnquiries(app.db, days)
        erasedTotal.inc(erased)
        app.log.info({ erased, closedMoreThanDays: days }, 'retention run erased closed enquiries')
      },
      { retryLimit: 3, retryDelaySeconds: 300 },
    )
    if (days === undefined) await app.jobs.unschedule(RETENTION_QUEUE)
    else await app.jobs.schedule(RETENTION_QUEUE, '0 3 * * *', 'UTC')
  },
  { name: 'retention', dependencies: ['jobs', 'metrics'] },
)
