import assert from 'node:assert/strict'
import { once } from 'node:events'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../support/app.js'

/** The app on a real socket: these answers come from Node's HTTP parser and timers, not inject. */
async function listening(t: test.TestContext, env: Record<string, string> = {}) {
  const app: FastifyInstance = await buildTestApp(t, env)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

/**
 * Writes raw bytes and collects everything the server sends until it closes the connection;
 * `onAnswer` runs when its first bytes arrive. A reset after an answer ends the exchange as a close
 * would: the server closed with bytes of ours still unread (a client still sending), and Linux
 * hands over the answer before the reset.
 */
function exchange(
  port: number,
  write: (socket: Socket) => void,
  onAnswer: () => void = () => {},
): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1', () => write(socket))
    let text = ''
    const closed = () => resolve({ text, closedAfterMs: Date.now() - started })
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      if (text === '') onAnswer()
      text += chunk
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' && text !== '' ? closed() : reject(error),
    )
    socket.on('close', closed)
  })
}

function parseResponse(text: string) {
  const [head = '', body = ''] = text.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const at = line.indexOf(':')
      return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()]
    }),
  )
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as unknown }
}

describe('requests Node refuses before routing', () => {
  test('a malformed request line is a 400 in the error format', async (t) => {
    const port = await listening(t)
    const { text } = await exchange(port, (socket) => socket.write('NOT HTTP AT ALL\r\n\r\n'))
    const response = parseResponse(text)
    assert.equal(response.status, 400)
    assert.match(response.headers['content-type'] ?? '', /^application\/json/)
    assert.deepEqual(response.body, { success: false, message: 'Bad request', code: 'BAD_REQUEST' })
  })

  test('headers over the size limit are a 431 in the error format', async (t) => {
    const port = await listening(t)
    const { text } = await exchange(port, (socket) =>
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`),
    )
    const response = parseResponse(text)
    assert.equal(response.status, 431)
    assert.deepEqual(response.body, {
      success: false,
      message: 'Request headers are too large',
      code: 'HEADERS_TOO_LARGE',
    })
  })
})

describe('slow clients', () => {
  test('a body trickling in past REQUEST_TIMEOUT_MS is answered 408 and its socket closed', async (t) => {
    const port = await listening(t, { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' })
    let drip: NodeJS.Timeout | undefined
    t.after(() => clearInterval(drip))
    const { text, closedAfterMs } = await exchange(
      port,
      (socket) => {
        socket.write(
          'POST /api/enquiries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{',
        )
        drip = setInterval(() => socket.writable && socket.write(' '), 200)
      },
      () => clearInterval(drip),
    )
    const response = parseResponse(text)
    assert.equal(response.status, 408)
    assert.deepEqual(response.body, {
      success: false,
      message: 'The request took too long to arrive',
      code: 'REQUEST_TIMEOUT',
    })
    assert.ok(closedAfterMs < 10_000, `closed after ${closedAfterMs} ms`)
  })

  test('headers that never finish are cut off at HEADERS_TIMEOUT_MS', async (t) => {
    const port = await listening(t, { REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '1000' })
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    await once(socket, 'close')
    assert.equal(parseResponse(text).status, 408)
  })
})
