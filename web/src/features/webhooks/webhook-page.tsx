import { type ReactNode, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { Alert } from '../../components/alert'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { useCursorPages } from '../../components/pager'
import { ApiError, messageOf } from '../../lib/api-client'
import {
  useDeleteWebhook,
  useDeliveries,
  useRotateSecret,
  useSendTestEvent,
  useUpdateWebhook,
  useWebhook,
  type Webhook,
} from './api'
import { DeliveryLog } from './delivery-log'
import { SecretReveal } from './secret-reveal'
import { draftOf, formMessageOf, WebhookForm } from './webhook-form'
import { type DeletedState, WebhookState } from './webhooks-page'

const ID_PATTERN = /^[0-9a-f]{24}$/

function BackLink() {
  return (
    <p>
      <Link to="/admin/webhooks">All webhook endpoints</Link>
    </p>
  )
}

export function WebhookPage() {
  const { id = '' } = useParams()
  if (!ID_PATTERN.test(id)) {
    return (
      <Page title="Endpoint not found">
        <Alert tone="error">This address does not name a webhook endpoint.</Alert>
        <BackLink />
      </Page>
    )
  }
  return <WebhookView key={id} id={id} />
}

function WebhookView({ id }: { id: string }) {
  const webhook = useWebhook(id)
  // The log is asked for together with the endpoint, not after it: one round of calls.
  const [logStart, setLogStart] = useState(0)
  const paging = useCursorPages(String(logStart))
  const deliveries = useDeliveries(id, paging.cursor)

  if (webhook.isPending) {
    return (
      <Page title="Webhook endpoint">
        <Loading label="Loading the endpoint…" />
      </Page>
    )
  }
  // A failed refetch keeps the endpoint on screen; only without it is the failure the page.
  const found = webhook.data?.data
  if (!found) {
    const gone = webhook.error instanceof ApiError && webhook.error.status === 404
    return (
      <Page title="Endpoint unavailable">
        <Alert tone="error">
          {gone
            ? 'This endpoint does not exist: it may have been deleted.'
            : messageOf(webhook.error)}
        </Alert>
        <BackLink />
      </Page>
    )
  }
  return (
    <WebhookDetails
      webhook={found}
      log={<DeliveryLog webhookId={id} deliveries={deliveries} paging={paging} />}
      // A new test event is on the first page of the log: go there to see it.
      onTestSent={() => setLogStart((start) => start + 1)}
    />
  )
}

interface WebhookDetailsProps {
  webhook: Webhook
  log: ReactNode
  onTestSent: () => void
}

function WebhookDetails({ webhook, log, onTestSent }: WebhookDetailsProps) {
  const rotate = useRotateSecret(webhook._id)
  const rotated = rotate.data?.data

  return (
    <Page title={webhook.url} aside={<WebhookState webhook={webhook} />}>
      <BackLink />
      {!webhook.active && webhook.disabledReason && (
        <Alert tone="info">
          The CRM switched this endpoint off: {webhook.disabledReason}. Once the receiver is fixed,
          tick Active and save to send events again.
        </Alert>
      )}
      {rotated && (
        <SecretReveal url={rotated.url} secret={rotated.secret} onDone={() => rotate.reset()} />
      )}
      <div className="detail-grid spaced">
        <section aria-labelledby="settings-heading" className="card">
          <h2 id="settings-heading">Settings</h2>
          <EditWebhook webhook={webhook} />
        </section>
        <section aria-labelledby="actions-heading" className="card">
          <h2 id="actions-heading">Test, secret and removal</h2>
          <SendTestEvent webhook={webhook} onSent={onTestSent} />
          <RotateSecret rotate={rotate} />
          <DeleteWebhook webhook={webhook} />
        </section>
      </div>
      {log}
    </Page>
  )
}

function EditWebhook({ webhook }: { webhook: Webhook }) {
  const update = useUpdateWebhook(webhook._id)
  return (
    <>
      <WebhookForm
        initial={draftOf(webhook)}
        withActive
        submitLabel="Save changes"
        busy={update.isPending}
        error={update.error}
        onSubmit={(fields) => update.mutate(fields)}
      />
      {update.error && <Alert tone="error">{formMessageOf(update.error)}</Alert>}
      <div aria-live="polite">{update.isSuccess && <Alert tone="success">Saved.</Alert>}</div>
    </>
  )
}

function SendTestEvent({ webhook, onSent }: { webhook: Webhook; onSent: () => void }) {
  const send = useSendTestEvent(webhook._id)
  return (
    <>
      <p>
        Sends a <code>webhook.test</code> event, signed like every other, whatever the endpoint
        subscribes to.
      </p>
      <button
        type="button"
        disabled={send.isPending}
        onClick={() => send.mutate(undefined, { onSuccess: onSent })}
      >
        Send a test event
      </button>
      {send.error && <Alert tone="error">{send.error.message}</Alert>}
      <div aria-live="polite">
        {send.isSuccess && (
          <Alert tone="success">Test event queued: follow it in the delivery log below.</Alert>
        )}
      </div>
    </>
  )
}

function RotateSecret({ rotate }: { rotate: ReturnType<typeof useRotateSecret> }) {
  const [asking, setAsking] = useState(false)
  return (
    <>
      <h3>Signing secret</h3>
      <p>
        The secret is shown only when the endpoint is added and when it is rotated. Rotating makes a
        new one and stops the old one at once.
      </p>
      <button type="button" className="button-secondary" onClick={() => setAsking(true)}>
        Rotate secret
      </button>
      {rotate.error && <Alert tone="error">{rotate.error.message}</Alert>}
      <ConfirmDialog
        open={asking}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        busy={rotate.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() => rotate.mutate(undefined, { onSettled: () => setAsking(false) })}
      >
        <p>
          The current secret stops working now: the receiver rejects what the CRM sends until it has
          the new one.
        </p>
      </ConfirmDialog>
    </>
  )
}

function DeleteWebhook({ webhook }: { webhook: Webhook }) {
  const remove = useDeleteWebhook(webhook._id)
  const navigate = useNavigate()
  const [asking, setAsking] = useState(false)
  const deleted: DeletedState = { deletedUrl: webhook.url }
  return (
    <>
      <h3>Delete</h3>
      <button type="button" className="button-danger" onClick={() => setAsking(true)}>
        Delete endpoint
      </button>
      {remove.error && <Alert tone="error">{remove.error.message}</Alert>}
      <ConfirmDialog
        open={asking}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        busy={remove.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              void navigate('/admin/webhooks', { state: deleted })
            },
            onError: () => setAsking(false),
          })
        }
      >
        <p>
          {webhook.url} and its delivery log are deleted, and no more events are sent to it. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  )
}
