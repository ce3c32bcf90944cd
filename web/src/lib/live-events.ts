import { type QueryClient, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { SESSION_ENDED } from './api-client'
import { endSession } from './auth-store'
import { queryKeys } from './query-client'

interface LiveEvent {
  id: string | undefined
  name: string
  enquiryId: string | undefined
}

/** Splits a Server-Sent Events text stream into events (id, event name, data.enquiryId). */
function parseEvents(buffer: string): { events: LiveEvent[]; rest: string } {
  const events: LiveEvent[] = []
  const blocks = buffer.split('\n\n')
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    let id: string | undefined
    let name = 'message'
    let data = ''
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id') id = value
      else if (field === 'event') name = value
      else if (field === 'data') data += value
    }
    if (name === 'message' && data === '') continue
    let enquiryId: string | undefined
    try {
      const parsed: unknown = JSON.parse(data || '{}')
      if (typeof parsed === 'object' && parsed !== null && 'enquiryId' in parsed) {
        enquiryId = typeof parsed.enquiryId === 'string' ? parsed.enquiryId : undefined
      }
    } catch {
      // Not JSON: the event's name is enough.
    }
    events.push({ id, name, enquiryId })
  }
  return { events, rest }
}

/** Refetches what changed, at most every 250 ms however many events arrive. */
function createRefresher(queryClient: QueryClient) {
  const enquiryIds = new Set<string>()
  let scheduled = false
  const options = { cancelRefetch: false }
  const flush = () => {
    scheduled = false
    for (const queryKey of [
      queryKeys.pool,
      queryKeys.allEnquiries,
      queryKeys.stats,
      queryKeys.myEnquiries,
      queryKeys.followUps,
    ]) {
      void queryClient.invalidateQueries({ queryKey }, options)
    }
    for (const id of enquiryIds) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.enquiry(id) }, options)
    }
    enquiryIds.clear()
  }
  return (enquiryId?: string) => {
    if (enquiryId) enquiryIds.add(enquiryId)
    if (scheduled) return
    scheduled = true
    setTimeout(flush, 250)
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * Keeps the shown lists live: GET /api/events, read with fetch so the token travels in a header
 * (EventSource cannot send one, and a token in the address would end up in logs). Reconnects with
 * Last-Event-ID after a drop, and refetches in case something was missed.
 */
export function useLiveEvents(token: string | undefined): void {
  const queryClient = useQueryClient()
  useEffect(() => {
    if (!token) return
    const controller = new AbortController()
    const { signal } = controller
    let lastEventId: string | undefined
    let delay = 1000
    let connections = 0
    const refresh = createRefresher(queryClient)

    async function connect(): Promise<void> {
      while (!signal.aborted) {
        try {
          const response = await fetch('/api/events', {
            headers: {
              authorization: `Bearer ${token}`,
              ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
            },
            signal,
          })
          if (response.status === 401) {
            endSession(SESSION_ENDED)
            return
          }
          if (response.ok && response.body) {
            delay = 1000
            // Back after a drop: the replay covers most of it, a refetch the rest.
            if (connections++ > 0) refresh()
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
            let buffer = ''
            for (;;) {
              const { value, done } = await reader.read()
              if (done) break
              const { events, rest } = parseEvents(buffer + value)
              buffer = rest
              for (const event of events) {
                if (event.id) lastEventId = event.id
                refresh(event.enquiryId)
              }
            }
          }
        } catch {
          // Dropped or refused: try again below, unless the page is leaving.
        }
        await sleep(delay, signal)
        delay = Math.min(delay * 2, 30_000)
      }
    }

    void connect()
    return () => controller.abort()
  }, [token, queryClient])
}
