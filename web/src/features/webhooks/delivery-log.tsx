import { useState } from 'react'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { Loading } from '../../components/loading'
import type { useCursorPages } from '../../components/pager'
import { type Delivery, type useDeliveries, useRetryDelivery } from './api'
import { deliveryStateLabels } from './events'

// Attempts follow each other by seconds: the log shows them to the second.
const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const formatTime = (iso: string) => time.format(new Date(iso))

interface DeliveryLogProps {
  webhookId: string
  deliveries: ReturnType<typeof useDeliveries>
  paging: ReturnType<typeof useCursorPages>
}

/**
 * The endpoint's deliveries, newest first, a page at a time. While one shown is pending the page
 * is asked for again every few seconds (useDeliveries), and stops once all have settled.
 */
export function DeliveryLog({ webhookId, deliveries, paging }: DeliveryLogProps) {
  const retry = useRetryDelivery(webhookId)
  const [done, setDone] = useState<string>()
  const page = deliveries.data
  const pending = page?.data.some((delivery) => delivery.status === 'pending') ?? false

  const retryDelivery = (delivery: Delivery) => {
    setDone(undefined)
    retry.mutate(delivery._id, {
      onSuccess: () => setDone(`Sending the ${delivery.eventType} event again.`),
    })
  }

  return (
    <section aria-labelledby="log-heading" className="spaced">
      <div className="section-heading">
        <h2 id="log-heading">Delivery log</h2>
        <button
          type="button"
          className="button-secondary"
          disabled={deliveries.isFetching}
          onClick={() => void deliveries.refetch()}
        >
          Refresh the log
        </button>
      </div>
      <p aria-live="polite" className="field-hint">
        {pending
          ? 'Some deliveries are pending: this log updates itself until they are delivered or fail.'
          : 'Newest first. A failed delivery is retried on its own a few times; Retry sends it again now.'}
      </p>
      {retry.error && <Alert tone="error">{retry.error.message}</Alert>}
      <div aria-live="polite">{done && <Alert tone="success">{done}</Alert>}</div>
      {deliveries.error && <Alert tone="error">{deliveries.error.message}</Alert>}
      {deliveries.isPending && <Loading label="Loading the delivery log…" />}
      {page && page.data.length === 0 && (
        <p className="empty">
          {paging.hasPrevious
            ? 'No older deliveries.'
            : 'Nothing sent yet. Send a test event to try the endpoint.'}
        </p>
      )}
      {page && page.data.length > 0 && (
        <DataTable
          caption="Deliveries, newest first"
          rows={page.data}
          busy={deliveries.isPlaceholderData}
          columns={[
            {
              header: 'Event',
              rowHeader: true,
              cell: (delivery) => (
                <>
                  <code>{delivery.eventType}</code>{' '}
                  <time dateTime={delivery.eventAt} className="event-time">
                    {formatTime(delivery.eventAt)}
                  </time>
                </>
              ),
            },
            {
              header: 'State',
              cell: (delivery) => (
                <span className={`badge delivery-${delivery.status}`}>
                  {deliveryStateLabels[delivery.status]}
                </span>
              ),
            },
            { header: 'Attempts', cell: (delivery) => delivery.attempts },
            { header: 'Status code', cell: (delivery) => delivery.lastStatusCode ?? '—' },
            {
              header: 'Duration',
              cell: (delivery) =>
                delivery.lastDurationMs === null ? '—' : `${delivery.lastDurationMs} ms`,
            },
            { header: 'Error', cell: (delivery) => <DeliveryError delivery={delivery} /> },
            {
              header: 'Next attempt',
              cell: (delivery) =>
                delivery.nextAttemptAt ? formatTime(delivery.nextAttemptAt) : '—',
            },
            {
              header: 'Actions',
              action: true,
              cell: (delivery) =>
                delivery.status !== 'pending' && (
                  <button
                    type="button"
                    className="button-secondary"
                    disabled={retry.isPending}
                    aria-label={`${delivery.status === 'failed' ? 'Retry' : 'Send again'}: ${delivery.eventType} of ${formatTime(delivery.eventAt)}`}
                    onClick={() => retryDelivery(delivery)}
                  >
                    {delivery.status === 'failed' ? 'Retry' : 'Send again'}
                  </button>
                ),
            },
          ]}
        />
      )}
      {page && <LogPager paging={paging} next={page.next} busy={deliveries.isPlaceholderData} />}
    </section>
  )
}

/** The last attempt's error, and what the receiver answered, if it said anything. */
function DeliveryError({ delivery }: { delivery: Delivery }) {
  if (!delivery.lastError && !delivery.responseBody) return '—'
  return (
    <div className="delivery-error">
      {delivery.lastError}
      {delivery.responseBody && (
        <details>
          <summary>The receiver's answer</summary>
          <pre className="response-body">{delivery.responseBody}</pre>
        </details>
      )}
    </div>
  )
}

interface LogPagerProps {
  paging: ReturnType<typeof useCursorPages>
  /** The cursor of the next (older) page; null on the last. */
  next: string | null
  busy: boolean
}

/** Newer and older pages: the log is paged by cursor, so it has no page count. */
function LogPager({ paging, next, busy }: LogPagerProps) {
  if (!paging.hasPrevious && !next) return null
  return (
    <nav className="pager" aria-label="Pages of the delivery log">
      <button
        type="button"
        className="button-secondary"
        disabled={!paging.hasPrevious}
        onClick={paging.previous}
      >
        Newer deliveries
      </button>
      <span>Page {paging.page}</span>
      <button
        type="button"
        className="button-secondary"
        disabled={!next || busy}
        onClick={() => next && paging.next(next)}
      >
        Older deliveries
      </button>
    </nav>
  )
}
