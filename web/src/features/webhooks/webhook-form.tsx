import { type FormEvent, useId, useState } from 'react'
import { Field } from '../../components/field'
import { ApiError } from '../../lib/api-client'
import type { SubscribableEvent, Webhook, WebhookFields } from './api'
import { eventDescriptions, isSubscribableEvent, subscribableEvents } from './events'

/** The form's state: what an admin can set on an endpoint. */
export interface WebhookDraft {
  url: string
  allEvents: boolean
  events: SubscribableEvent[]
  description: string
  active: boolean
}

export const EMPTY_DRAFT: WebhookDraft = {
  url: '',
  allEvents: false,
  events: [],
  description: '',
  active: true,
}

export const draftOf = (webhook: Webhook): WebhookDraft => ({
  url: webhook.url,
  allEvents: webhook.events.includes('*'),
  events: webhook.events.filter(isSubscribableEvent),
  description: webhook.description ?? '',
  active: webhook.active,
})

/** The request body: the chosen events in the catalogue's order, or `["*"]` for all. */
export const fieldsOf = (draft: WebhookDraft): WebhookFields => ({
  url: draft.url.trim(),
  events: draft.allEvents
    ? ['*']
    : subscribableEvents.filter((type) => draft.events.includes(type)),
  description: draft.description,
  active: draft.active,
})

type FormErrors = Partial<Record<'url' | 'events' | 'description', string>>

/** The API's field errors, by the form's fields; `events.2` belongs to the events. */
export function formErrorsOf(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return {}
  const errors: FormErrors = {}
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    if (field === 'url') {
      errors.url = `The URL ${message}`
    } else if ((field === 'events' || field.startsWith('events.')) && !errors.events) {
      errors.events = `Events ${message}`
    } else if (field === 'description') errors.description = message
  }
  return errors
}

/** What to say above the form: field errors are shown beside their fields. */
export const formMessageOf = (error: unknown): string =>
  error instanceof ApiError && Object.keys(error.fieldErrors).length > 0
    ? 'Some fields need changing: see the messages beside them.'
    : error instanceof Error
      ? error.message
      : 'Something went wrong'

interface WebhookFormProps {
  initial: WebhookDraft
  /** The edit form also switches the endpoint on and off. */
  withActive: boolean
  submitLabel: string
  busy: boolean
  /** The last failed save, whose field errors are shown beside the fields. */
  error: unknown
  onSubmit: (fields: WebhookFields) => void
}

export function WebhookForm({
  initial,
  withActive,
  submitLabel,
  busy,
  error,
  onSubmit,
}: WebhookFormProps) {
  const [draft, setDraft] = useState(initial)
  const [eventsMissing, setEventsMissing] = useState(false)
  const set = (patch: Partial<WebhookDraft>) => setDraft((current) => ({ ...current, ...patch }))
  const apiErrors = formErrorsOf(error)
  const eventsError = eventsMissing
    ? 'Choose at least one event, or send all events.'
    : apiErrors.events

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    // The one rule checked here: the API's own message for it ("must NOT have fewer than 1 items")
    // would not help.
    const missing = !draft.allEvents && draft.events.length === 0
    setEventsMissing(missing)
    if (!missing) onSubmit(fieldsOf(draft))
  }

  return (
    <form className="stack webhook-form" onSubmit={submit} noValidate>
      <Field
        label="Endpoint URL"
        type="url"
        required
        maxLength={2048}
        hint="Where the CRM sends each event, as a signed POST: an http:// or https:// address."
        value={draft.url}
        onChange={(event) => set({ url: event.target.value })}
        error={apiErrors.url}
      />
      <EventChoice
        draft={draft}
        error={eventsError}
        onChange={(patch) => {
          setEventsMissing(false)
          set(patch)
        }}
      />
      <Field
        label="Description (optional)"
        maxLength={500}
        value={draft.description}
        onChange={(event) => set({ description: event.target.value })}
        error={apiErrors.description}
      />
      {withActive && (
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.active}
            onChange={(event) => set({ active: event.target.checked })}
          />
          <span>Active: send events to this endpoint</span>
        </label>
      )}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  )
}

interface EventChoiceProps {
  draft: WebhookDraft
  error: string | undefined
  onChange: (patch: Partial<WebhookDraft>) => void
}

/** All events, or a choice from the catalogue, each type with what it means. */
function EventChoice({ draft, error, onChange }: EventChoiceProps) {
  const id = useId()
  const toggle = (type: SubscribableEvent, checked: boolean) =>
    onChange({
      events: checked ? [...draft.events, type] : draft.events.filter((chosen) => chosen !== type),
    })
  return (
    <fieldset className="choices" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>Events to send</legend>
      <label className="choice">
        <input
          type="radio"
          name={`${id}-scope`}
          checked={draft.allEvents}
          onChange={() => onChange({ allEvents: true })}
        />
        <span>All events, including types added later</span>
      </label>
      <label className="choice">
        <input
          type="radio"
          name={`${id}-scope`}
          checked={!draft.allEvents}
          onChange={() => onChange({ allEvents: false })}
        />
        <span>Only the events chosen below</span>
      </label>
      {!draft.allEvents && (
        <ul className="event-list">
          {subscribableEvents.map((type) => (
            <li key={type}>
              <label className="choice">
                <input
                  type="checkbox"
                  checked={draft.events.includes(type)}
                  onChange={(event) => toggle(type, event.target.checked)}
                />
                <span>
                  <code>{type}</code>: {eventDescriptions[type]}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  )
}
