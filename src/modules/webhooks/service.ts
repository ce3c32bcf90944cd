import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { objectId } from '../../db/schema/columns.js'
import { AppError } from '../../errors.js'
import type { JobQueue } from '../../plugins/jobs.js'
import { type OutboundEvent, TEST_EVENT_TYPE } from '../events/service.js'
import {
  activeWebhookSubscriptions,
  deleteWebhookRow,
  findDeliveryRow,
  findWebhookRow,
  insertDeliveries,
  insertWebhook,
  listDeliveryRows,
  listWebhookRows,
  type NewDelivery,
  reopenDeliveryRow,
  updateWebhookRow,
  type WebhookDeliveryRow,
  type WebhookFields,
  type WebhookRow,
} from './repository.js'

export const DELIVERY_QUEUE = 'webhook-delivery'

/** A delivery job: attempt number `attempt` of one delivery (1 is the first). */
export interface DeliveryJob {
  deliveryId: string
  attempt: number
}

type Jobs = Pick<JobQueue, 'send' | 'sendMany'>

/** A signing secret in the Standard Webhooks format: whsec_ and 32 random bytes in base64. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`

async function requireWebhook(db: Db, id: string): Promise<WebhookRow> {
  const webhook = await findWebhookRow(db, id)
  if (!webhook) throw new AppError('WEBHOOK_NOT_FOUND')
  return webhook
}

export async function createWebhook(db: Db, fields: WebhookFields): Promise<WebhookRow> {
  return insertWebhook(db, { ...fields, secret: newSecret() })
}

export const listWebhooks = (db: Db): Promise<WebhookRow[]> => listWebhookRows(db)

export const getWebhook = requireWebhook

export async function updateWebhook(
  db: Db,
  id: string,
  changes: Partial<WebhookFields>,
): Promise<WebhookRow> {
  const updated = await updateWebhookRow(db, id, changes)
  if (!updated) throw new AppError('WEBHOOK_NOT_FOUND')
  return updated
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  if (!(await deleteWebhookRow(db, id))) throw new AppError('WEBHOOK_NOT_FOUND')
}

/** A new secret replaces the old one at once; the caller sees it this once. */
export async function rotateSecret(db: Db, id: string): Promise<WebhookRow> {
  const updated = await updateWebhookRow(db, id, { secret: newSecret() })
  if (!updated) throw new AppError('WEBHOOK_NOT_FOUND')
  return updated
}

export async function listDeliveries(
  db: Db,
  webhookId: string,
  page: { limit: number; before: string | undefined },
): Promise<WebhookDeliveryRow[]> {
  await requireWebhook(db, webhookId)
  return listDeliveryRows(db, webhookId, page)
}

async function enqueue(tx: Db, jobs: Jobs, deliveries: NewDelivery[]): Promise<string[]> {
  if (deliveries.length === 0) return []
  const ids = await insertDeliveries(tx, deliveries)
  await jobs.sendMany<DeliveryJob>(
    tx,
    DELIVERY_QUEUE,
    ids.map((deliveryId) => ({ deliveryId, attempt: 1 })),
  )
  return ids
}

const subscribes = (events: string[], type: string) => events.includes('*') || events.includes(type)

/** The outbox consumer: a delivery (and its first job) per event and subscribed active endpoint. */
export async function enqueueDeliveries(
  tx: Db,
  jobs: Jobs,
  events: OutboundEvent[],
): Promise<void> {
  const typed = events.filter((event) => event.type !== undefined)
  if (typed.length === 0) return
  const subscriptions = await activeWebhookSubscriptions(tx)
  const deliveries: NewDelivery[] = []
  for (const event of typed) {
    for (const webhook of subscriptions) {
      if (!event.type || !subscribes(webhook.events, event.type)) continue
      deliveries.push({
        webhookId: webhook.id,
        eventId: event.id,
        eventType: event.type,
        eventAt: event.at,
        enquiryId: event.enquiryId,
        employeeId: event.employeeId,
        actorId: event.actorId,
      })
    }
  }
  await enqueue(tx, jobs, deliveries)
}

/** Sends a `webhook.test` event to the endpoint, through the queue like any other. */
export async function sendTestEvent(
  db: Db,
  jobs: Jobs,
  webhookId: string,
  actorId: string,
): Promise<WebhookDeliveryRow> {
  return db.transaction(async (tx) => {
    await requireWebhook(tx, webhookId)
    const [id] = await enqueue(tx, jobs, [
      {
        webhookId,
        eventId: objectId(),
        eventType: TEST_EVENT_TYPE,
        eventAt: new Date(),
        enquiryId: null,
        employeeId: null,
        actorId,
      },
    ])
    const delivery = id && (await findDeliveryRow(tx, webhookId, id))
    if (!delivery) throw new Error('the test delivery was not stored')
    return delivery
  })
}

/** One more attempt of a settled delivery, with the same webhook-id; a pending one is left alone. */
export async function retryDelivery(
  db: Db,
  jobs: Jobs,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRow> {
  return db.transaction(async (tx) => {
    const reopened = await reopenDeliveryRow(tx, webhookId, deliveryId)
    if (!reopened) {
      if (await findDeliveryRow(tx, webhookId, deliveryId)) throw new AppError('DELIVERY_PENDING')
      throw new AppError('DELIVERY_NOT_FOUND')
    }
    await jobs.send<DeliveryJob>(tx, DELIVERY_QUEUE, {
      deliveryId,
      attempt: reopened.attempts + 1,
    })
    return reopened
  })
}

export type { WebhookDeliveryRow, WebhookFields, WebhookRow }
