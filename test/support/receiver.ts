import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { TestContext } from 'node:test'
import { Webhook } from 'standardwebhooks'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  /** The parsed event, or undefined if its signature did not verify with the current secret. */
  event: { id: string; type: string; timestamp: string; data: Record<string, unknown> } | undefined
  at: number
}

/** What the receiver answers to the n-th request (0-based): a status and a body. */
export type Responder = (n: number) => { status: number; body?: string }

/**
 * A real webhook receiver on 127.0.0.1 that verifies every request's Standard Webhooks signature
 * with the `standardwebhooks` package, as a customer's would.
 */
export async function startReceiver(
  t: Pick<TestContext, 'after'>,
  respond: Responder = () => ({ status: 200, body: 'ok' }),
) {
  const received: Received[] = []
  let secret = ''
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    let event: Received['event']
    try {
      event = new Webhook(secret).verify(
        body,
        request.headers as Record<string, string>,
      ) as Received['event']
    } catch {
      event = undefined
    }
    const answer = respond(received.length)
    received.push({ headers: request.headers, body, event, at: Date.now() })
    response.writeHead(answer.status, { 'content-type': 'text/plain' })
    response.end(answer.body ?? '')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // A sender's keep-alive connection would hold close() open for as long as it lives.
        server.closeAllConnections()
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    received,
    /** The secret signatures are checked with (the webhook's, once created). */
    useSecret(value: string) {
      secret = value
    },
  }
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
