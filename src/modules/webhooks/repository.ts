import { and, desc, eq, lt, ne, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import {
  type WebhookDeliveryRow,
  type WebhookRow,
  webhookDeliveries,
  webhooks,
} from '../../db/schema/index.js'

export type { WebhookDeliveryRow, WebhookRow }

export interface WebhookFields {
  url: string
  events: string[]
  active: boolean
  description: string | null
}

export async function insertWebhook(
  db: Db,
  fields: WebhookFields & { secret: string },
): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(fields).returning()
  if (!row) throw new Error('webhook insert returned no row')
  return row
}

export const listWebhookRows = (db: Db): Promise<WebhookRow[]> =>
  db.select().from(webhooks).orderBy(webhooks.createdAt, webhooks.id)

export async function findWebhookRow(db: Db, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id))
  return row
}

/** Applies the changes; switching an endpoint back on forgets why it was switched off. */
export async function updateWebhookRow(
  db: Db,
  id: string,
  changes: Partial<WebhookFields> & { secret?: string },
): Promise<WebhookRow | undefined> {
  const [row] = await db
    .update(webhooks)
    .set({
      ...changes,
      ...(changes.active === true ? { disabledReason: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(webhooks.id, id))
    .returning()
  return row
}

export async function deleteWebhookRow(db: Db, id: string): Promise<boolean> {
  const deleted = await db
    .delete(webhooks)
    .where(eq(webhooks.id, id))
    .returning({ id: webhooks.id })
  return deleted.length > 0
}

/** Switches an endpoint off on the receiver's word (a 410). */
export async function disableWebhookRow(db: Db, id: string, reason: string): Promise<void> {
  await db
    .update(webhooks)
    .set({ active: false, disabledReason: reason, updatedAt: sql`now()` })
    .where(eq(webhooks.id, id))
}

export const activeWebhookSubscriptions = (db: Db): Promise<{ id: string; events: string[] }[]> =>
  db
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(eq(webhooks.active, true))

export type NewDelivery = Pick<
  typeof webhookDeliveries.$inferInsert,
  'webhookId' | 'eventId' | 'eventType' | 'eventAt' | 'enquiryId' | 'employeeId' | 'actorId'
>

export async function insertDeliveries(db: Db, deliveries: NewDelivery[]): Promise<string[]> {
  const rows = await db
    .insert(webhookDeliveries)
    .values(deliveries.map((delivery) => ({ ...delivery, nextAttemptAt: sql`now()` })))
    .returning({ id: webhookDeliveries.id })
  return rows.map((row) => row.id)
}

export async function findDeliveryWithWebhook(
  db: Db,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryRow; webhook: WebhookRow } | undefined> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, webhook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, deliveryId))
  return row
}

export interface AttemptRecord {
  attempt: number
  status: 'pending' | 'succeeded' | 'failed'
  statusCode: number | null
  durationMs: number | null
  error: string | null
  responseBody: string | null
  nextAttemptAt: Date | null
}

/**
 * Records attempt number `attempt` if it is the next one of a pending delivery; false if another
 * run of the same job recorded it first (jobs run at least once).
 */
export async function recordAttemptRow(
  db: Db,
  deliveryId: string,
  record: AttemptRecord,
): Promise<boolean> {
  const updated = await db
    .update(webhookDeliveries)
    .set({
      attempts: record.attempt,
      status: record.status,
      lastStatusCode: record.statusCode,
      lastDurationMs: record.durationMs,
      lastError: record.error?.slice(0, 500) ?? null,
      responseBody: record.responseBody,
      nextAttemptAt: record.nextAttemptAt,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, 'pending'),
        eq(webhookDeliveries.attempts, record.attempt - 1),
      ),
    )
    .returning({ id: webhookDeliveries.id })
  return updated.length > 0
}

export function listDeliveryRows(
  db: Db,
  webhookId: string,
  page: { limit: number; before: string | undefined },
): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        page.before ? lt(webhookDeliveries.id, page.before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit)
}

export async function findDeliveryRow(
  db: Db,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId)))
  return row
}

/** Makes a settled delivery pending again, for one more attempt; undefined if it is pending. */
export async function reopenDeliveryRow(
  db: Db,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.webhookId, webhookId),
        ne(webhookDeliveries.status, 'pending'),
      ),
    )
    .returning()
  return row
}
