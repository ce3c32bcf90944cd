import { useEffect, useState } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { Alert } from '../../components/alert'
import { DataTable } from '../../components/data-table'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { formatDateTime } from '../../lib/enquiry-labels'
import { useCreateWebhook, useWebhooks, type Webhook } from './api'
import { describeEvents } from './events'
import { SecretReveal } from './secret-reveal'
import { EMPTY_DRAFT, formMessageOf, WebhookForm } from './webhook-form'

/** What the endpoint's page hands back after deleting it. */
export interface DeletedState {
  deletedUrl: string
}

const deletedUrlOf = (state: unknown): string | undefined =>
  typeof state === 'object' && state !== null && 'deletedUrl' in state
    ? String(state.deletedUrl)
    : undefined

export function WebhooksPage() {
  const webhooks = useWebhooks()
  const location = useLocation()
  const navigate = useNavigate()
  const [deletedUrl] = useState(() => deletedUrlOf(location.state))
  // Said once: a reload or a return to this page later does not say it again.
  useEffect(() => {
    if (deletedUrlOf(location.state)) void navigate('.', { replace: true, state: null })
  }, [location.state, navigate])
  const list = webhooks.data?.data
  const count = list && `${list.length} endpoint${list.length === 1 ? '' : 's'}`

  return (
    <Page title="Webhooks" aside={count && <p className="count">{count}</p>}>
      <p>
        The CRM tells other systems what happens (a new enquiry, a claim, a status change) by
        sending each event, signed, to the endpoints below. Open an endpoint for its delivery log.
      </p>
      <AddWebhookForm />
      <h2>Endpoints</h2>
      <div aria-live="polite">
        {deletedUrl && <Alert tone="success">Deleted the endpoint {deletedUrl}.</Alert>}
      </div>
      {webhooks.error && <Alert tone="error">{webhooks.error.message}</Alert>}
      {webhooks.isPending && <Loading label="Loading the endpoints…" />}
      {list && list.length === 0 && <p className="empty">No endpoints yet.</p>}
      {list && list.length > 0 && (
        <DataTable
          caption="Webhook endpoints"
          rows={list}
          columns={[
            {
              header: 'Endpoint',
              rowHeader: true,
              cell: (webhook) => (
                <Link to={`/admin/webhooks/${webhook._id}`} className="webhook-url">
                  {webhook.url}
                </Link>
              ),
            },
            { header: 'Events', cell: (webhook) => describeEvents(webhook.events) },
            { header: 'State', cell: (webhook) => <WebhookState webhook={webhook} /> },
            { header: 'Description', cell: (webhook) => webhook.description || '—' },
            { header: 'Added', cell: (webhook) => formatDateTime(webhook.createdAt) },
          ]}
        />
      )}
    </Page>
  )
}

/** Active, switched off by an admin, or switched off by the CRM (a 410 from the receiver). */
export function WebhookState({ webhook }: { webhook: Webhook }) {
  if (webhook.active) return <span className="badge webhook-active">Active</span>
  return (
    <span className="badge webhook-off">
      {webhook.disabledReason ? 'Disabled by the CRM' : 'Off'}
    </span>
  )
}

function AddWebhookForm() {
  const create = useCreateWebhook()
  // A new form after each endpoint added, so the next one starts empty.
  const [formKey, setFormKey] = useState(0)
  const created = create.data?.data

  return (
    <section aria-labelledby="add-webhook-heading" className="card">
      <h2 id="add-webhook-heading">Add an endpoint</h2>
      <WebhookForm
        key={formKey}
        initial={EMPTY_DRAFT}
        withActive={false}
        submitLabel="Add endpoint"
        busy={create.isPending}
        error={create.error}
        onSubmit={(fields) =>
          create.mutate(fields, { onSuccess: () => setFormKey((key) => key + 1) })
        }
      />
      {create.error && <Alert tone="error">{formMessageOf(create.error)}</Alert>}
      {created && (
        <>
          <Alert tone="success">
            Added the endpoint.{' '}
            <Link to={`/admin/webhooks/${created._id}`}>Open its settings and delivery log</Link>
          </Alert>
          <SecretReveal url={created.url} secret={created.secret} onDone={() => create.reset()} />
        </>
      )}
    </section>
  )
}
