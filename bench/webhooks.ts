import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The webhooks scenario's receiver: a real HTTP server in the bench process that answers 204 and
 * records, for each delivery, how long after its change (the event's `timestamp`, written in the
 * change's transaction) it arrived.
 */
export interface Receiver {
  url: string
  /** Milliseconds from each received event's change to its receipt, in arrival order. */
  lags: number[]
  /** The distinct deliveries received (`webhook-id`s): delivery is at least once. */
  distinct: Set<string>
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const lags: number[] = []
  const distinct = new Set<string>()
  const server: Server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const { timestamp } = JSON.parse(body) as { timestamp: string }
    const id = request.headers['webhook-id']
    if (typeof id === 'string' && !distinct.has(id)) {
      distinct.add(id)
      lags.push(Date.now() - Date.parse(timestamp))
    }
    response.writeHead(204).end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    lags,
    distinct,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** Creates `count` active endpoints subscribed to every event, all pointing at the receiver; their ids. */
export async function createEndpoints(
  appUrl: string,
  token: string,
  receiverUrl: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${appUrl}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${receiverUrl}?endpoint=${index}`,
        events: ['*'],
        description: `bench ${index}`,
      }),
    })
    if (response.status !== 201) throw new Error(`webhook endpoint: ${response.status}`)
    ids.push(((await response.json()) as { data: { _id: string } }).data._id)
  }
  return ids
}

export async function deleteEndpoints(appUrl: string, token: string, ids: string[]) {
  for (const id of ids) {
    await fetch(`${appUrl}/api/webhooks/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    })
  }
}

/**
 * Waits until `expected` distinct deliveries have arrived, or none has for `quietSeconds` (then
 * the rest are reported missing); returns how many distinct ones arrived.
 */
export async function waitForDeliveries(
  receiver: Receiver,
  expected: number,
  quietSeconds = 60,
): Promise<number> {
  let seen = receiver.lags.length
  let quietSince = Date.now()
  while (receiver.lags.length < expected && Date.now() - quietSince < quietSeconds * 1000) {
    await sleep(200)
    if (receiver.lags.length !== seen) {
      seen = receiver.lags.length
      quietSince = Date.now()
    }
  }
  return receiver.lags.length
}

export function percentile(values: number[], fraction: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]
}
