import fp from 'fastify-plugin'
import { createTransport } from 'nodemailer'
import type { Config } from '../../config.js'
import { createMailWorker, enqueueMails, MAIL_QUEUE, type MailJob } from './service.js'

/**
 * Email to employees about their leads, over SMTP (nodemailer), sent by jobs the outbox queues.
 * Off without SMTP_URL. A refused or failed send is retried on the webhook schedule's waits.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const mail = config.mail
    if (!mail) {
      app.log.info('email notifications are off: SMTP_URL is not set')
      return
    }
    const transport = createTransport(mail.smtpUrl)
    app.addHook('onClose', async () => transport.close())
    const delays = config.webhooks.retryDelaysSeconds
    await app.jobs.define<MailJob>(
      MAIL_QUEUE,
      createMailWorker(
        app.db,
        async (message) => {
          await transport.sendMail({ from: mail.from, ...message })
        },
        config.publicUrl,
      ),
      {
        retryLimit: delays.length,
        retryDelaySeconds: Math.max(1, delays[0] ?? 5),
        retryBackoff: true,
        retryDelayMaxSeconds: Math.max(1, ...delays),
        expireInSeconds: 120,
        yieldsToRequests: true,
      },
    )
    app.outbox.consume((tx, events) => enqueueMails(tx, app.jobs, events))
  },
  { name: 'notifications', dependencies: ['jobs', 'outbox'] },
)
