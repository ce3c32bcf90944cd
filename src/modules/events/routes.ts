import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { currentEmployee, forEmployees } from '../../plugins/auth.js'
import { responses } from '../../schemas.js'
import { createEventHub, isVisibleTo } from './hub.js'
import type { ActivityEvent } from './repository.js'

const HEARTBEAT_MS = 15_000
const REPLAY_LIMIT = 100
const OBJECT_ID = /^[0-9a-f]{24}$/

function writeEvent(stream: ServerResponse, event: ActivityEvent): void {
  const data = { enquiryId: event.enquiryId, type: event.type, at: event.at.toISOString() }
  stream.write(`id: ${event.id}\nevent: enquiry.${event.type}\ndata: ${JSON.stringify(data)}\n\n`)
}

/** GET /api/events: Server-Sent Events for the console (pool changes, and everything for admins). */
const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const hub = createEventHub(app.db, {
    pollMs: 500,
    lookbackMs: 10_000,
    onError: (error) =>
      app.log.error({ err: error }, 'live events: reading the activity log failed'),
  })
  const streams = new Set<ServerResponse>()
  // Open streams would keep the server from closing: end them as shutdown begins.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end()
  })

  app.get(
    '/events',
    {
      schema: {
        tags: ['enquiries'],
        summary: 'Live updates as Server-Sent Events',
        description:
          'Events are named enquiry.<activity type> (created, claimed, released, assigned… ; counselors get the pool changes, admins every change) with data {enquiryId, type, at} and the activity id as event id. Send Last-Event-ID to catch up after a reconnect. A comment line every 15 s keeps proxies from closing the stream.',
        security: [{ bearerAuth: [] }],
        produces: ['text/event-stream'],
        response: responses({ 200: Type.String({ description: 'text/event-stream' }) }, [401]),
      },
    },
    async (request, reply) => {
      const { role } = currentEmployee(request)
      const lastEventId = request.headers['last-event-id']
      const replay =
        typeof lastEventId === 'string' && OBJECT_ID.test(lastEventId)
          ? await hub.replayAfter(lastEventId, REPLAY_LIMIT)
          : []

      reply.hijack()
      const stream = reply.raw
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })
      stream.write('retry: 3000\n\n')
      for (const event of replay) if (isVisibleTo(role, event.type)) writeEvent(stream, event)
      // Too much missed: the client should reload what it shows.
      if (replay.length === REPLAY_LIMIT) stream.write('event: resync\ndata: {}\n\n')

      const unsubscribe = hub.subscribe((event) => {
        if (isVisibleTo(role, event.type)) writeEvent(stream, event)
      })
      const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS)
      streams.add(stream)
      stream.on('close', () => {
        clearInterval(heartbeat)
        unsubscribe()
        streams.delete(stream)
      })
    },
  )
}

/** Every employee may listen; each receives only what they may read. */
export default forEmployees(eventRoutes)
