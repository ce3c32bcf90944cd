import pg from 'pg'
import { CONNECT_TIMEOUT_MS } from '../startup-failure.js'
import { checkChannel } from './database.js'

/** LISTEN on a connection of its own, reconnecting while the server is unreachable. */
export async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onListening: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  checkChannel(channel)
  let current: pg.Client | undefined
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  const lost = (client: pg.Client) => {
    if (client !== current && current !== undefined) return
    current = undefined
    onListening(false)
    client.end().catch(() => {})
    if (!stopped && !retry) {
      retry = setTimeout(() => {
        retry = undefined
        void connect()
      }, 1000)
      retry.unref()
    }
  }
  const connect = async () => {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    })
    client.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '')
    })
    client.on('error', () => lost(client))
    client.on('end', () => lost(client))
    try {
      await client.connect()
      await client.query(`LISTEN ${channel}`)
      if (stopped) return void (await client.end())
      current = client
      onListening(true)
    } catch {
      lost(client)
    }
  }
  await connect()
  return async () => {
    stopped = true
    clearTimeout(retry)
    const client = current
    current = undefined
    onListening(false)
    await client?.end().catch(() => {})
  }
}
