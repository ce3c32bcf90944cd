import { type FormEvent, useState } from 'react'
import { Link, useParams } from 'react-router'
import { Alert } from '../../components/alert'
import { FirstContact, PriorityBadge, StatusBadge } from '../../components/badges'
import { TextAreaField } from '../../components/field'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import { ApiError, messageOf } from '../../lib/api-client'
import type { EnquiryDetail } from '../../lib/api-models'
import { useSession } from '../../lib/auth-store'
import { formatDateTime, sourceLabels } from '../../lib/enquiry-labels'
import { ActivityTimeline } from './activity-timeline'
import { useAddNote, useChangeStatus, useClaimEnquiry, useEnquiry, useRelease } from './api'
import { FollowUpSection } from './follow-up'
import { allowedTransitions, canRelease, transitionLabels } from './transitions'

const ID_PATTERN = /^[0-9a-f]{24}$/

function unavailableMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 403) {
    return 'This enquiry belongs to another counselor. You can open enquiries in the pool and the ones you have claimed.'
  }
  if (error instanceof ApiError && error.status === 404) return 'This enquiry does not exist.'
  return messageOf(error)
}

export function EnquiryPage() {
  const { id = '' } = useParams()
  if (!ID_PATTERN.test(id)) {
    return (
      <Page title="Enquiry not found">
        <Alert tone="error">This address does not name an enquiry.</Alert>
        <p>
          <Link to="/pool">Back to the pool</Link>
        </p>
      </Page>
    )
  }
  return <EnquiryView id={id} />
}

function EnquiryView({ id }: { id: string }) {
  const enquiry = useEnquiry(id)
  if (enquiry.isPending) {
    return (
      <Page title="Enquiry">
        <Loading label="Loading the enquiry…" />
      </Page>
    )
  }
  if (enquiry.error) {
    return (
      <Page title="Enquiry unavailable">
        <Alert tone="error">{unavailableMessage(enquiry.error)}</Alert>
        <p>
          <Link to="/pool">Back to the pool</Link> · <Link to="/enquiries">My enquiries</Link>
        </p>
      </Page>
    )
  }
  return <EnquiryDetails enquiry={enquiry.data.data} />
}

function EnquiryDetails({ enquiry }: { enquiry: EnquiryDetail }) {
  const session = useSession()
  const isAdmin = session?.employee.role === 'admin'
  const mine = enquiry.claimedBy?._id === session?.employee.id
  const canWork = isAdmin || mine

  return (
    <Page title={enquiry.name} aside={<StatusBadge status={enquiry.status} />}>
      <div className="detail-grid">
        <section aria-labelledby="contact-heading" className="card">
          <h2 id="contact-heading">Contact</h2>
          <dl className="facts">
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${enquiry.phone.replace(/[^\d+]/g, '')}`}>{enquiry.phone}</a>
            </dd>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${enquiry.email}`}>{enquiry.email}</a>
            </dd>
            <dt>Course</dt>
            <dd>{enquiry.courseInterest}</dd>
            <dt>Priority</dt>
            <dd>
              <PriorityBadge priority={enquiry.priority} />
            </dd>
            <dt>Source</dt>
            <dd>{sourceLabels[enquiry.source]}</dd>
            <dt>Received</dt>
            <dd>{formatDateTime(enquiry.createdAt)}</dd>
            <dt>Claimed by</dt>
            <dd>
              {enquiry.claimedBy
                ? `${mine ? 'You' : enquiry.claimedBy.name}${enquiry.claimedAt ? `, ${formatDateTime(enquiry.claimedAt)}` : ''}`
                : 'Nobody yet'}
            </dd>
            {enquiry.sla !== null && (
              <>
                <dt>First contact</dt>
                <dd>
                  <FirstContact enquiry={enquiry} />
                </dd>
              </>
            )}
          </dl>
          <h3>Message</h3>
          {enquiry.message ? (
            <p className="message">{enquiry.message}</p>
          ) : (
            <p className="empty">No message.</p>
          )}
        </section>

        <EnquiryActions enquiry={enquiry} canWork={canWork} isAdmin={isAdmin} />

        <FollowUpSection enquiry={enquiry} canWork={canWork} />

        <section aria-labelledby="notes-heading" className="card">
          <h2 id="notes-heading">Notes</h2>
          {enquiry.notes.length === 0 ? (
            <p className="empty">No notes yet.</p>
          ) : (
            <ul className="notes">
              {enquiry.notes.map((note) => (
                <li key={note._id}>
                  <p>{note.text}</p>
                  <p className="note-meta">
                    {note.addedBy?.name ?? 'Someone'},{' '}
                    <time dateTime={note.addedAt}>{formatDateTime(note.addedAt)}</time>
                  </p>
                </li>
              ))}
            </ul>
          )}
          {canWork && enquiry.status !== 'unclaimed' && <AddNoteForm id={enquiry._id} />}
        </section>

        <section aria-labelledby="activity-heading" className="card">
          <h2 id="activity-heading">Activity</h2>
          <ActivityTimeline activity={enquiry.activity} />
        </section>
      </div>
    </Page>
  )
}

interface ActionsProps {
  enquiry: EnquiryDetail
  canWork: boolean
  isAdmin: boolean
}

function EnquiryActions({ enquiry, canWork, isAdmin }: ActionsProps) {
  const claim = useClaimEnquiry(enquiry._id)
  const changeStatus = useChangeStatus(enquiry._id)
  const release = useRelease(enquiry._id)
  const [done, setDone] = useState<string>()
  const busy = claim.isPending || changeStatus.isPending || release.isPending
  const error = claim.error ?? changeStatus.error ?? release.error
  const closed = enquiry.status === 'converted' || enquiry.status === 'lost'
  const transitions = canWork ? allowedTransitions(enquiry.status, isAdmin) : []

  const reset = () => {
    setDone(undefined)
    claim.reset()
    changeStatus.reset()
    release.reset()
  }

  return (
    <section aria-labelledby="actions-heading" className="card">
      <h2 id="actions-heading">Next step</h2>
      {enquiry.status === 'unclaimed' && (
        <>
          <p>This enquiry is in the pool.</p>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              reset()
              claim.mutate(undefined, { onSuccess: () => setDone('You claimed this enquiry.') })
            }}
          >
            Claim
          </button>
        </>
      )}
      {transitions.length > 0 && (
        <div className="button-row">
          {transitions.map((target) => (
            <button
              key={target}
              type="button"
              disabled={busy}
              className={target === 'lost' ? 'button-danger' : undefined}
              onClick={() => {
                reset()
                changeStatus.mutate(target, {
                  onSuccess: () => setDone(`Status changed to ${target}.`),
                })
              }}
            >
              {closed ? 'Reopen as contacted' : transitionLabels[target]}
            </button>
          ))}
        </div>
      )}
      {canWork && canRelease(enquiry.status) && (
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          onClick={() => {
            reset()
            release.mutate(undefined, {
              onSuccess: () => setDone('Released: the enquiry is back in the pool.'),
            })
          }}
        >
          Release to pool
        </button>
      )}
      {closed && transitions.length === 0 && (
        <p>This enquiry is {enquiry.status}: its status no longer changes.</p>
      )}
      {!canWork && enquiry.status !== 'unclaimed' && (
        <p>Only the counselor who claimed this enquiry, or an admin, can work on it.</p>
      )}
      <div aria-live="polite">{done && <Alert tone="success">{done}</Alert>}</div>
      {error && <Alert tone="error">{error.message}</Alert>}
    </section>
  )
}

function AddNoteForm({ id }: { id: string }) {
  const addNote = useAddNote(id)
  const [text, setText] = useState('')
  const [empty, setEmpty] = useState(false)
  const fieldError =
    (empty ? 'Write the note first' : undefined) ??
    (addNote.error instanceof ApiError ? addNote.error.fieldErrors.text : undefined)

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const trimmed = text.trim()
    setEmpty(trimmed === '')
    if (trimmed === '') return
    addNote.mutate(trimmed, { onSuccess: () => setText('') })
  }

  return (
    <form onSubmit={submit} className="stack" noValidate>
      <TextAreaField
        label="Note"
        rows={3}
        maxLength={2000}
        value={text}
        onChange={(event) => setText(event.target.value)}
        error={fieldError}
      />
      {addNote.error && !fieldError && <Alert tone="error">{addNote.error.message}</Alert>}
      <div aria-live="polite">
        {addNote.isSuccess && !text && <Alert tone="success">Note added.</Alert>}
      </div>
      <button type="submit" disabled={addNote.isPending}>
        Add note
      </button>
    </form>
  )
}
