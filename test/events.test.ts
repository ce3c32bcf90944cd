import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { objectIdAt } from '../src/modules/events/hub.js'
import { bearer, buildTestApp, call, createEmployee } from './support/app.js'
import { submitEnquiry } from './support/enquiries.js'

interface ServerSentEvent {
  id?: string
  event?: string
  data?: string
}

/** Opens GET /api/events on the listening app and collects its events as they arrive. */
async function openStream(url: string, token: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/events`, { headers: { ...bearer(token), ...headers } })
  assert.equal(response.status, 200)
  assert.match(String(response.headers.get('content-type')), /^text\/event-stream/)
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader()
  assert.ok(reader)
  const events: ServerSentEvent[] = []
  let buffer = ''
  let ended = false
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event: ServerSentEvent = {}
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ')
          if (field === 'id' || field === 'event' || field === 'data')
            event[field] = rest.join(': ')
        }
        if (event.event) events.push(event)
        end = buffer.indexOf('\n\n')
      }
    }
    ended = true
  })()
  return {
    events,
    isEnded: () => ended,
    async waitFor(predicate: (event: ServerSentEvent) => boolean, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const found = events.find(predicate)
        if (found) return found
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`no such event within ${timeoutMs} ms: ${JSON.stringify(events)}`)
    },
    cancel: () => reader.cancel().then(() => reading),
  }
}

async function listening(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' })
}

describe('GET /api/events', () => {
  test('a counselor hears of a new enquiry and of its claim within a second or two', async (t) => {
    const app = await buildTestApp(t)
    const url = await listening(app)
    const counselor = await createEmployee(app)
    const other = await createEmployee(app)
    const stream = await openStream(url, counselor.token)
    t.after(() => stream.cancel())
    await new Promise((resolve) => setTimeout(resolve, 200)) // the hub's first, silent read

    const id = await submitEnquiry(app)
    const created = await stream.waitFor((event) => event.event === 'enquiry.created')
    assert.deepEqual(JSON.parse(created.data ?? '{}').enquiryId, id)

    await call(app, { method: 'POST', url: `/api/enquiries/${id}/claim`, token: other.token })
    await stream.waitFor((event) => event.event === 'enquiry.claimed')
  })

  test('a counselor does not hear of notes on leads, an admin does', async (t) => {
    const app = await buildTestApp(t)
    const url = await listening(app)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    await call(app, { method: 'POST', url: `/api/enquiries/${id}/claim`, token: counselor.token })
    const counselorStream = await openStream(url, counselor.token)
    const adminStream = await openStream(url, admin.token)
    t.after(() => Promise.all([counselorStream.cancel(), adminStream.cancel()]))
    await new Promise((resolve) => setTimeout(resolve, 200))

    await call(app, {
      method: 'POST',
      url: `/api/enquiries/${id}/notes`,
      token: counselor.token,
      payload: { text: 'Called back' },
    })
    await adminStream.waitFor((event) => event.event === 'enquiry.note_added')
    assert.equal(
      counselorStream.events.some((event) => event.event === 'enquiry.note_added'),
      false,
    )
  })

  test('a reconnect with Last-Event-ID catches up on what it missed', async (t) => {
    const app = await buildTestApp(t)
    const url = await listening(app)
    const counselor = await createEmployee(app)
    const before = objectIdAt(Date.now() - 60_000)
    const id = await submitEnquiry(app)
    const stream = await openStream(url, counselor.token, { 'last-event-id': before })
    t.after(() => stream.cancel())
    const replayed = await stream.waitFor((event) => event.event === 'enquiry.created')
    assert.equal(JSON.parse(replayed.data ?? '{}').enquiryId, id)
  })

  test('without a token: 401', async (t) => {
    const app = await buildTestApp(t)
    const { status, body } = await call(app, { method: 'GET', url: '/api/events' })
    assert.equal(status, 401)
    assert.equal(body.success, false)
  })

  test('closing the server ends open streams at once', async (t) => {
    const app = await buildTestApp()
    const url = await listening(app)
    const counselor = await createEmployee(app)
    const stream = await openStream(url, counselor.token)
    t.after(() => stream.cancel())
    const started = Date.now()
    await app.close()
    assert.ok(Date.now() - started < 2000, 'closed within 2 s')
    for (let i = 0; i < 20 && !stream.isEnded(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.equal(stream.isEnded(), true)
  })
})
