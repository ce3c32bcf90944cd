import type { Db } from '../../db/client.js'
import type { JobQueue } from '../../plugins/jobs.js'
import type { OutboundEvent } from '../events/service.js'
import { type Mail, renderMail } from './messages.js'
import { activeAdminIds, employeesWantingEmail, findMailFacts, ownersOf } from './repository.js'

export const MAIL_QUEUE = 'notification-mail'

export interface MailJob {
  activityId: string
  recipientId: string
}

/** Who hears about an activity entry, by its type; a type without a line here mails nobody. */
type Audience = 'assignee' | 'owner' | 'owner and admins on release or reassign'
const AUDIENCE_OF_ACTIVITY: Readonly<Record<string, Audience>> = {
  assigned: 'assignee',
  sla_warning: 'owner',
  sla_breached: 'owner and admins on release or reassign',
  follow_up_due: 'owner',
}

const idIn = (value: unknown): string | undefined => {
  const id = (value as { _id?: unknown } | null | undefined)?._id
  return typeof id === 'string' ? id : undefined
}

/** What the SLA did about a breach (the entry's `action`: notify, release or reassign). */
const breachAction = (details: Record<string, unknown>) =>
  typeof details.action === 'string' ? details.action : undefined

/** The outbox consumer: a mail job per recipient of each event that calls for one. */
export async function enqueueMails(
  tx: Db,
  jobs: Pick<JobQueue, 'sendMany'>,
  events: OutboundEvent[],
): Promise<void> {
  const relevant = events.filter(
    (event) =>
      event.activityType !== undefined &&
      Object.hasOwn(AUDIENCE_OF_ACTIVITY, event.activityType) &&
      event.enquiryId !== null,
  )
  if (relevant.length === 0) return
  const owners = await ownersOf(
    tx,
    relevant.flatMap((event) => (event.enquiryId ? [event.enquiryId] : [])),
  )
  let admins: string[] | undefined
  const wanted: { activityId: string; recipientId: string }[] = []
  for (const event of relevant) {
    const audience = AUDIENCE_OF_ACTIVITY[event.activityType ?? '']
    const recipients = new Set<string>()
    const owner =
      (event.enquiryId ? owners.get(event.enquiryId) : undefined) ??
      idIn(event.details.previousOwner) ??
      idIn(event.details.employee)
    if (audience === 'assignee') {
      const assignee = idIn(event.details.employee)
      // Nobody needs an email about what they did themselves.
      if (assignee && assignee !== event.actorId) recipients.add(assignee)
    } else if (owner) recipients.add(owner)
    if (audience === 'owner and admins on release or reassign') {
      const action = breachAction(event.details)
      if (action === 'release' || action === 'reassign') {
        admins ??= await activeAdminIds(tx)
        for (const admin of admins) recipients.add(admin)
      }
    }
    for (const recipientId of recipients) wanted.push({ activityId: event.id, recipientId })
  }
  const willing = new Set(
    await employeesWantingEmail(tx, [...new Set(wanted.map((mail) => mail.recipientId))]),
  )
  await jobs.sendMany<MailJob>(
    tx,
    MAIL_QUEUE,
    wanted.filter((mail) => willing.has(mail.recipientId)),
  )
}

/**
 * The job behind each mail: it reads what the mail says when it runs (so an opt-out in between
 * is respected) and throws if the SMTP server refuses, for the queue to retry.
 */
export function createMailWorker(db: Db, send: (mail: Mail) => Promise<void>, publicUrl: string) {
  return async function sendMail({ activityId, recipientId }: MailJob): Promise<void> {
    const facts = await findMailFacts(db, activityId, recipientId)
    if (!facts) return
    await send(renderMail(facts, publicUrl))
  }
}
