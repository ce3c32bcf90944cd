import { type FormEvent, useState } from 'react'
import { Alert } from '../../components/alert'
import { Field } from '../../components/field'
import { ApiError } from '../../lib/api-client'
import type { EnquiryDetail } from '../../lib/api-models'
import { formatDateTime } from '../../lib/enquiry-labels'
import { useClearFollowUp, useSetFollowUp } from './api'

const pad = (value: number) => String(value).padStart(2, '0')

/** An instant as a datetime-local input shows it: the browser's local time, to the minute. */
function toLocalInput(iso: string): string {
  const at = new Date(iso)
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
  return `${day}T${pad(at.getHours())}:${pad(at.getMinutes())}`
}

/** A datetime-local value (local time, no offset) as the instant the API takes. */
function fromLocalInput(value: string): string | undefined {
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString()
}

interface FollowUpSectionProps {
  enquiry: EnquiryDetail
  canWork: boolean
}

/** When to get back to a lead: shown to whoever reads it, set and cleared by its owner or an admin. */
export function FollowUpSection({ enquiry, canWork }: FollowUpSectionProps) {
  const [done, setDone] = useState<string>()
  const open = enquiry.status === 'claimed' || enquiry.status === 'contacted'
  if (!open && enquiry.followUpAt === null) return null
  return (
    <section aria-labelledby="follow-up-heading" className="card">
      <h2 id="follow-up-heading">Follow-up</h2>
      {enquiry.followUpAt ? (
        <p>
          Due <time dateTime={enquiry.followUpAt}>{formatDateTime(enquiry.followUpAt)}</time>
          {enquiry.followUpNote && <>: {enquiry.followUpNote}</>}
        </p>
      ) : (
        <p className="empty">No follow-up set.</p>
      )}
      {canWork && open && <FollowUpForm enquiry={enquiry} onDone={setDone} />}
      <div aria-live="polite">{done && <Alert tone="success">{done}</Alert>}</div>
    </section>
  )
}

interface FollowUpFormProps {
  enquiry: EnquiryDetail
  /** What was done, in words; undefined when a new attempt starts. */
  onDone: (message: string | undefined) => void
}

function FollowUpForm({ enquiry, onDone }: FollowUpFormProps) {
  const setFollowUp = useSetFollowUp(enquiry._id)
  const clearFollowUp = useClearFollowUp(enquiry._id)
  const [at, setAt] = useState(enquiry.followUpAt ? toLocalInput(enquiry.followUpAt) : '')
  const [note, setNote] = useState(enquiry.followUpNote ?? '')
  const [missingAt, setMissingAt] = useState(false)
  const busy = setFollowUp.isPending || clearFollowUp.isPending
  const fieldErrors = setFollowUp.error instanceof ApiError ? setFollowUp.error.fieldErrors : {}
  const atError = (missingAt ? 'Choose a date and time' : undefined) ?? fieldErrors.at
  const error = setFollowUp.error ?? clearFollowUp.error

  const reset = () => {
    onDone(undefined)
    setFollowUp.reset()
    clearFollowUp.reset()
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    reset()
    const iso = fromLocalInput(at)
    setMissingAt(iso === undefined)
    if (iso === undefined) return
    const trimmed = note.trim()
    setFollowUp.mutate(
      { at: iso, ...(trimmed ? { note: trimmed } : {}) },
      { onSuccess: () => onDone(`Follow-up set for ${formatDateTime(iso)}.`) },
    )
  }

  const clear = () => {
    reset()
    clearFollowUp.mutate(undefined, {
      onSuccess: () => {
        setAt('')
        setNote('')
        onDone('Follow-up cleared.')
      },
    })
  }

  return (
    <form onSubmit={submit} className="stack" noValidate>
      <Field
        label="Follow up on"
        type="datetime-local"
        required
        value={at}
        onChange={(event) => setAt(event.target.value)}
        error={atError}
      />
      <Field
        label="Follow-up note (optional)"
        maxLength={500}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        error={fieldErrors.note}
      />
      <div className="button-row">
        <button type="submit" disabled={busy}>
          Set follow-up
        </button>
        {enquiry.followUpAt && (
          <button type="button" className="button-secondary" disabled={busy} onClick={clear}>
            Clear follow-up
          </button>
        )}
      </div>
      {error && !atError && !fieldErrors.note && <Alert tone="error">{error.message}</Alert>}
    </form>
  )
}
