import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.js'
import { currentEmployee, forAdmins } from '../../plugins/auth.js'
import { IdParams, responses } from '../../schemas.js'
import { createDeliveryWorker } from './delivery.js'
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryListResponse,
  DeliveryParams,
  DeliveryResponse,
  MessageResponse,
  UpdateWebhookBody,
  WebhookListResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './schemas.js'
import {
  createWebhook,
  DELIVERY_QUEUE,
  type DeliveryJob,
  deleteWebhook,
  enqueueDeliveries,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateSecret,
  sendTestEvent,
  updateWebhook,
  type WebhookDeliveryRow,
  type WebhookRow,
} from './service.js'

const toWebhookView = ({ secret: _secret, ...webhook }: WebhookRow) => ({
  ...webhook,
  _id: webhook.id,
  createdAt: webhook.createdAt.toISOString(),
  updatedAt: webhook.updatedAt.toISOString(),
})

const toDeliveryView = (delivery: WebhookDeliveryRow) => ({
  _id: delivery.id,
  id: delivery.id,
  webhookId: delivery.webhookId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  eventAt: delivery.eventAt.toISOString(),
  status: delivery.status,
  attempts: delivery.attempts,
  lastStatusCode: delivery.lastStatusCode,
  lastDurationMs: delivery.lastDurationMs,
  lastError: delivery.lastError,
  responseBody: delivery.responseBody,
  nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  createdAt: delivery.createdAt.toISOString(),
  updatedAt: delivery.updatedAt.toISOString(),
})

const security = [{ bearerAuth: [] }]
const tags = ['webhooks (admin)']

/** Webhook endpoints and their delivery log (admin only); deliveries run on the job queue. */
const webhookRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  await app.jobs.define<DeliveryJob>(
    DELIVERY_QUEUE,
    createDeliveryWorker(app.db, app.jobs, config.webhooks),
    // Retries here only cover a crash or a database failure mid-attempt; a receiver's failures
    // are retried on WEBHOOK_RETRY_DELAYS by the worker itself. Deliveries give way to requests.
    { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 60, yieldsToRequests: true },
  )
  app.outbox.consume((tx, events) => enqueueDeliveries(tx, app.jobs, events))

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Add a webhook endpoint; the response shows its signing secret, this once',
        security,
        body: CreateWebhookBody,
        response: responses({ 201: WebhookWithSecretResponse }, [400, 401, 403]),
      },
    },
    async (request, reply) => {
      const { url, events, active, description } = request.body
      const webhook = await createWebhook(app.db, {
        url,
        events,
        active: active ?? true,
        description: description ?? null,
      })
      reply.code(201)
      return {
        success: true as const,
        message: 'Webhook created: store its secret now, it is not shown again',
        data: { ...toWebhookView(webhook), secret: webhook.secret },
      }
    },
  )

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List webhook endpoints',
        security,
        response: responses({ 200: WebhookListResponse }, [401, 403]),
      },
    },
    async () => ({ success: true as const, data: (await listWebhooks(app.db)).map(toWebhookView) }),
  )

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One webhook endpoint (without its secret)',
        security,
        params: IdParams,
        response: responses({ 200: WebhookResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => ({
      success: true as const,
      data: toWebhookView(await getWebhook(app.db, request.params.id)),
    }),
  )

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Change the URL, events, description of an endpoint, or switch it on or off',
        security,
        params: IdParams,
        body: UpdateWebhookBody,
        response: responses({ 200: WebhookResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => ({
      success: true as const,
      data: toWebhookView(await updateWebhook(app.db, request.params.id, request.body)),
    }),
  )

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Delete an endpoint and its delivery log',
        security,
        params: IdParams,
        response: responses({ 200: MessageResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      await deleteWebhook(app.db, request.params.id)
      return { success: true as const, message: 'Webhook deleted' }
    },
  )

  app.post(
    '/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Replace the signing secret; the response shows the new one, this once',
        security,
        params: IdParams,
        response: responses({ 200: WebhookWithSecretResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const webhook = await rotateSecret(app.db, request.params.id)
      return {
        success: true as const,
        message: 'Secret rotated: store it now, it is not shown again',
        data: { ...toWebhookView(webhook), secret: webhook.secret },
      }
    },
  )

  app.get(
    '/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of an endpoint, newest first',
        security,
        params: IdParams,
        querystring: DeliveriesQuery,
        response: responses({ 200: DeliveryListResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const { limit, before } = request.query
      const deliveries = await listDeliveries(app.db, request.params.id, { limit, before })
      return {
        success: true as const,
        data: deliveries.map(toDeliveryView),
        next: deliveries.length === limit ? (deliveries.at(-1)?.id ?? null) : null,
      }
    },
  )

  app.post(
    '/:id/deliveries/:deliveryId/retry',
    {
      schema: {
        tags,
        summary: 'Deliver a settled delivery once more (same webhook-id)',
        security,
        params: DeliveryParams,
        response: responses({ 202: DeliveryResponse }, [400, 401, 403, 404, 409]),
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params
      const delivery = await retryDelivery(app.db, app.jobs, id, deliveryId)
      reply.code(202)
      return { success: true as const, message: 'Delivery queued', data: toDeliveryView(delivery) }
    },
  )

  app.post(
    '/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a webhook.test event to the endpoint',
        security,
        params: IdParams,
        response: responses({ 202: DeliveryResponse }, [400, 401, 403, 404]),
      },
    },
    async (request, reply) => {
      const actor = currentEmployee(request)
      const delivery = await sendTestEvent(app.db, app.jobs, request.params.id, actor.id)
      reply.code(202)
      return {
        success: true as const,
        message: 'Test event queued',
        data: toDeliveryView(delivery),
      }
    },
  )
}

export default forAdmins(webhookRoutes)
