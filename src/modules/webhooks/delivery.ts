import { performance } from 'node:perf_hooks'
import { Webhook } from 'standardwebhooks'
import type { Db } from '../../db/client.js'
import type { JobQueue } from '../../plugins/jobs.js'
import { withId } from '../../schemas.js'
import { findEmployeeRef } from '../employees/service.js'
import { findEnquiryView } from '../enquiries/service.js'
import { TEST_EVENT_TYPE } from '../events/service.js'
import { postJson, RefusedAddressError } from './http.js'
import {
  type AttemptRecord,
  disableWebhookRow,
  findDeliveryWithWebhook,
  recordAttemptRow,
  type WebhookDeliveryRow,
} from './repository.js'
import { DELIVERY_QUEUE, type DeliveryJob } from './service.js'

export interface DeliveryOptions {
  /** The wait before each retry (seconds); attempt n+1 follows attempt n by retryDelays[n-1]. */
  retryDelaysSeconds: number[]
  allowPrivate: boolean
}

const refOf = async (db: Db, id: string | null) => {
  const ref = id ? await findEmployeeRef(db, id) : undefined
  return ref ? withId(ref) : null
}

/**
 * The event as the receiver gets it, built now from what the database holds: the enquiry as
 * GET /api/enquiries/:id shows it (without notes or history) and the actor. Building it at each
 * attempt, not storing it, means nothing erased from an enquiry can leave in a later attempt.
 */
async function payloadOf(db: Db, delivery: WebhookDeliveryRow): Promise<object> {
  const actor = await refOf(db, delivery.actorId)
  const data =
    delivery.eventType === TEST_EVENT_TYPE
      ? { webhookId: delivery.webhookId, actor }
      : delivery.employeeId
        ? { employee: await refOf(db, delivery.employeeId), actor }
        : {
            enquiry: delivery.enquiryId
              ? ((await findEnquiryView(db, delivery.enquiryId)) ?? null)
              : null,
            actor,
          }
  return {
    id: delivery.eventId,
    type: delivery.eventType,
    timestamp: delivery.eventAt.toISOString(),
    data,
  }
}

/** ±10 %, so endpoints that fail together are not retried in lockstep. */
const withJitter = (seconds: number) => seconds * 1000 * (0.9 + Math.random() * 0.2)

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * The job behind every attempt. It acts only if its attempt is the next one of a pending
 * delivery (a job may run twice); it makes the HTTP call outside any transaction, then records
 * the outcome and, if another attempt is due, its job, in one transaction.
 */
export function createDeliveryWorker(
  db: Db,
  jobs: Pick<JobQueue, 'send'>,
  options: DeliveryOptions,
) {
  return async function deliver({ deliveryId, attempt }: DeliveryJob): Promise<void> {
    const found = await findDeliveryWithWebhook(db, deliveryId)
    if (!found) return // its endpoint was deleted
    const { delivery, webhook } = found
    if (delivery.status !== 'pending' || delivery.attempts !== attempt - 1) return

    const record: AttemptRecord = {
      attempt,
      status: 'failed',
      statusCode: null,
      durationMs: null,
      error: null,
      responseBody: null,
      nextAttemptAt: null,
    }
    let gone = false
    let retryable = false
    if (!webhook.active) {
      record.error = 'the endpoint is disabled'
    } else {
      const messageId = `msg_${delivery.id}`
      const body = JSON.stringify(await payloadOf(db, delivery))
      const sentAt = new Date()
      const signature = new Webhook(webhook.secret).sign(messageId, sentAt, body)
      const started = performance.now()
      try {
        const answer = await postJson(
          webhook.url,
          body,
          {
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
          options.allowPrivate,
        )
        record.statusCode = answer.status
        record.responseBody = answer.body
        if (answer.status >= 200 && answer.status < 300) record.status = 'succeeded'
        else {
          gone = answer.status === 410
          retryable = !gone
          record.error = gone
            ? 'the receiver answered 410 Gone: the endpoint was disabled'
            : `the receiver answered ${answer.status}`
        }
      } catch (error) {
        // A refused address is a setting to fix, not a passing failure: no retries.
        retryable = !(error instanceof RefusedAddressError)
        record.error = errorMessage(error)
      }
      record.durationMs = Math.round(performance.now() - started)
    }
    const delay = retryable ? options.retryDelaysSeconds[attempt - 1] : undefined
    if (delay !== undefined) {
      record.status = 'pending'
      record.nextAttemptAt = new Date(Date.now() + withJitter(delay))
    }

    // The usual outcome, a settled delivery, is one statement; a retry or a 410 also writes its
    // job or the endpoint's state, in the same transaction.
    if (!gone && !record.nextAttemptAt) {
      await recordAttemptRow(db, delivery.id, record)
      return
    }
    await db.transaction(async (tx) => {
      if (!(await recordAttemptRow(tx, delivery.id, record))) return
      if (gone) await disableWebhookRow(tx, webhook.id, 'the receiver answered 410 Gone')
      if (record.nextAttemptAt) {
        await jobs.send<DeliveryJob>(
          tx,
          DELIVERY_QUEUE,
          { deliveryId, attempt: attempt + 1 },
          { startAfter: record.nextAttemptAt },
        )
      }
    })
  }
}
