import { Type } from 'typebox'
import { DateTime, HTTP_URL_PATTERN, Identity, Limit, ObjectIdString } from '../../schemas.js'
import { eventTypes } from '../events/service.js'

const Url = Type.String({
  maxLength: 2048,
  pattern: HTTP_URL_PATTERN,
  description: 'http(s) URL the events are POSTed to',
})
const Events = Type.Array(Type.Enum([...eventTypes, '*']), {
  minItems: 1,
  maxItems: 20,
  uniqueItems: true,
  description: 'The event types to send, or ["*"] for all',
})
const Description = Type.String({ maxLength: 500, transform: ['trim'] })

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    events: Events,
    active: Type.Optional(Type.Boolean({ default: true })),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
)

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    active: Type.Optional(Type.Boolean()),
    description: Type.Optional(
      Type.Union([Description, Type.Null()], { description: 'null clears it' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)

const WebhookFields = {
  ...Identity,
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  description: Type.Union([Type.String(), Type.Null()]),
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the system switched it off (a 410 from the receiver)',
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
}
export const WebhookView = Type.Object(WebhookFields)

const Secret = Type.String({
  description: 'The signing secret (Standard Webhooks, whsec_…): shown only now',
})

export const WebhookWithSecretResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({ ...WebhookFields, secret: Secret }),
})

export const WebhookResponse = Type.Object({ success: Type.Literal(true), data: WebhookView })
export const WebhookListResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(WebhookView),
})
export const MessageResponse = Type.Object({ success: Type.Literal(true), message: Type.String() })

export const DeliveryView = Type.Object({
  ...Identity,
  webhookId: ObjectIdString,
  eventId: Type.String(),
  eventType: Type.String(),
  eventAt: DateTime,
  status: Type.Enum(['pending', 'succeeded', 'failed']),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  responseBody: Type.Union([Type.String(), Type.Null()], {
    description: "The receiver's last response body, cut to 1 KB",
  }),
  nextAttemptAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
})

export const DeliveryResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: DeliveryView,
})

export const DeliveriesQuery = Type.Object(
  {
    limit: Limit,
    /** The last delivery id of the previous page. */
    before: Type.Optional(ObjectIdString),
  },
  { additionalProperties: false },
)

export const DeliveryListResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(DeliveryView),
  next: Type.Union([ObjectIdString, Type.Null()], {
    description: 'Pass as `before` for the next (older) page; null on the last page',
  }),
})

export const DeliveryParams = Type.Object(
  { id: ObjectIdString, deliveryId: ObjectIdString },
  { additionalProperties: false },
)
