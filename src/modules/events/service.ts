import type { Db } from '../../db/client.js'
import type { EventType } from './catalogue.js'
import { insertOutboxEvent } from './repository.js'

export {
  type EventType,
  eventTypes,
  type OutboundEvent,
  TEST_EVENT_TYPE,
} from './catalogue.js'
export type { OutboxConsumer } from './outbox.js'

/** Records an event about an employee in the caller's transaction (it is sent once that commits). */
export const recordEmployeeEvent = (
  tx: Db,
  type: Extract<EventType, `employee.${string}`>,
  employeeId: string,
  actorId: string | null,
): Promise<void> => insertOutboxEvent(tx, { eventType: type, employeeId, actorId })
