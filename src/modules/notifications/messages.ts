import type { MailFacts } from './repository.js'

export interface Mail {
  to: string
  subject: string
  text: string
  html: string
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The headline of each kind of mail; the subject adds the prospect's name and course only. */
const HEADLINES: Readonly<Record<string, string>> = {
  assigned: 'A lead was assigned to you',
  sla_warning: 'A lead of yours is about to miss its first-contact deadline',
  sla_breached: 'A lead missed its first-contact deadline',
  follow_up_due: 'A follow-up is due',
}

export function renderMail(facts: MailFacts, publicUrl: string): Mail {
  const headline = HEADLINES[facts.activityType] ?? 'An enquiry needs your attention'
  const link = `${publicUrl}/enquiries/${facts.enquiry.id}`
  const about = `${facts.enquiry.name} (${facts.enquiry.courseInterest})`
  const text = `Hello ${facts.recipient.name},\n\n${headline}: ${about}.\n\nOpen it in the CRM: ${link}\n\nYou can turn these emails off in your account settings.\n`
  const html = `<p>Hello ${escapeHtml(facts.recipient.name)},</p><p>${escapeHtml(headline)}: <strong>${escapeHtml(about)}</strong>.</p><p><a href="${escapeHtml(link)}">Open it in the CRM</a></p><p style="color:#666">You can turn these emails off in your account settings.</p>`
  return { to: facts.recipient.email, subject: `${headline}: ${about}`, text, html }
}
