import type { Faker } from '@faker-js/faker'
import { faker as fakerDE } from '@faker-js/faker/locale/de'
import { faker as fakerEN_GB } from '@faker-js/faker/locale/en_GB'
import { faker as fakerEN_IN } from '@faker-js/faker/locale/en_IN'
import { faker as fakerEN_US } from '@faker-js/faker/locale/en_US'
import { faker as fakerES } from '@faker-js/faker/locale/es'
import { faker as fakerFR } from '@faker-js/faker/locale/fr'
import type { EnquiryPriority, EnquirySource } from '../../db/schema/index.js'

/** What the demo pipeline is made of: the team, the courses, and what prospects and counselors write. */

export interface Weighted<T> {
  weight: number
  value: T
}

export const DEMO_PASSWORD = 'demo-pass-2026'

export const DEMO_ADMIN = { name: 'Dana Whitfield', email: 'admin@demo.example' }

/** `share`: how many leads each takes, relatively; `conversionRate`: of their closed leads. */
export const DEMO_COUNSELORS = [
  { name: 'Amara Okafor', email: 'amara@demo.example', share: 1.4, conversionRate: 0.62 },
  { name: 'Lukas Becker', email: 'lukas@demo.example', share: 1.2, conversionRate: 0.45 },
  { name: 'Sofía Ramírez', email: 'sofia@demo.example', share: 1.0, conversionRate: 0.55 },
  { name: 'Priya Nair', email: 'priya@demo.example', share: 1.0, conversionRate: 0.4 },
  { name: 'Julien Moreau', email: 'julien@demo.example', share: 0.8, conversionRate: 0.5 },
  { name: 'Hannah Kim', email: 'hannah@demo.example', share: 0.6, conversionRate: 0.3 },
] as const

export const COURSES: Weighted<string>[] = [
  { weight: 12, value: 'Data Science' },
  { weight: 11, value: 'Computer Science' },
  { weight: 10, value: 'MBA' },
  { weight: 10, value: 'Web Development' },
  { weight: 9, value: 'Nursing' },
  { weight: 8, value: 'Psychology' },
  { weight: 6, value: 'Business Administration' },
  { weight: 6, value: 'Digital Marketing' },
  { weight: 5, value: 'Cybersecurity' },
  { weight: 5, value: 'Accounting and Finance' },
  { weight: 4, value: 'Graphic Design' },
  { weight: 4, value: 'Mechanical Engineering' },
  { weight: 4, value: 'Law (LLB)' },
  { weight: 3, value: 'IELTS Preparation' },
]

export const SOURCES: Weighted<EnquirySource>[] = [
  { weight: 35, value: 'website' },
  { weight: 15, value: 'social_media' },
  { weight: 12, value: 'referral' },
  { weight: 9, value: 'advertisement' },
  { weight: 8, value: 'event' },
  { weight: 8, value: 'phone' },
  { weight: 6, value: 'email' },
  { weight: 4, value: 'walk_in' },
  { weight: 3, value: 'other' },
]

export const PRIORITIES: Weighted<EnquiryPriority>[] = [
  { weight: 25, value: 'low' },
  { weight: 50, value: 'medium' },
  { weight: 25, value: 'high' },
]

export interface ProspectLocale {
  faker: Faker
  country: string
  /** A fictional number in the 555 range; `digits` is seven digits unique to the prospect. */
  phone: (digits: string) => string
}

const split = (digits: string) => [digits.slice(0, 3), digits.slice(3)] as const

export const LOCALES: Weighted<ProspectLocale>[] = [
  {
    weight: 30,
    value: {
      faker: fakerEN_US,
      country: 'the United States',
      phone: (d) => `+1 (555) ${split(d)[0]}-${split(d)[1]}`,
    },
  },
  {
    weight: 20,
    value: { faker: fakerEN_GB, country: 'the UK', phone: (d) => `+44 555 ${split(d).join(' ')}` },
  },
  {
    weight: 15,
    value: { faker: fakerEN_IN, country: 'India', phone: (d) => `+91 555 ${split(d).join(' ')}` },
  },
  {
    weight: 13,
    value: { faker: fakerDE, country: 'Germany', phone: (d) => `+49 555 ${d}` },
  },
  {
    weight: 11,
    value: { faker: fakerFR, country: 'France', phone: (d) => `+33 555 ${split(d).join(' ')}` },
  },
  {
    weight: 11,
    value: { faker: fakerES, country: 'Spain', phone: (d) => `+34 555 ${split(d).join(' ')}` },
  },
]

const INTAKES = ['September', 'January', 'May']

/** Writes one text from a list of templates, filling in what the prospect or lead needs. */
export interface Writer {
  pick: <T>(items: readonly T[]) => T
  course: string
  country: string
}

const intake = (w: Writer) => w.pick(INTAKES)

export const ENQUIRY_MESSAGES: ((w: Writer) => string)[] = [
  (w) =>
    `Hello, I'm interested in the ${w.course} programme. Could you send me the fees and the next intake dates?`,
  (w) => `Is ${w.course} available part-time? I work full-time during the week.`,
  (w) => `What are the entry requirements for ${w.course}? I finished school two years ago.`,
  (w) => `Do you offer scholarships for ${w.course}? I would be coming from ${w.country}.`,
  (w) => `Could I book a call with a counsellor about ${w.course}? Evenings suit me best.`,
  (w) => `My daughter is considering ${w.course} for next year. Can we visit the campus?`,
  (w) => `Met your team at the education fair. Please send more about ${w.course}.`,
  (w) => `Is there an online option for ${w.course}, and how many hours a week does it take?`,
  (w) => `I'd like to start ${w.course} in ${intake(w)}. Is there still space?`,
]

export type NoteKind =
  | 'attempt'
  | 'conversation'
  | 'converted'
  | 'unreachable'
  | 'lost'
  | 'released'

export const NOTES: Record<NoteKind, ((w: Writer) => string)[]> = {
  attempt: [
    () => 'Called, no answer. Left a voicemail.',
    (w) => `Sent an introduction email with the ${w.course} brochure.`,
    () => 'Tried WhatsApp: delivered, not read yet.',
    () => 'Number busy twice today; will try again tomorrow morning.',
  ],
  conversation: [
    (w) => `Spoke for 20 minutes: keen on the ${intake(w)} intake, wants the fee breakdown.`,
    () => 'Sent the fee schedule and the scholarship criteria.',
    (w) =>
      `Booked a campus tour for next ${w.pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}.`,
    () => 'Asked for transcripts to check the entry requirements.',
    () => 'Discussed part-time and full-time options; prefers part-time.',
    () => 'Parents joined the call; main question was accommodation.',
    (w) => `Needs a visa letter for ${w.country}; sent the checklist.`,
    () => 'Follow-up call scheduled for next week.',
  ],
  converted: [
    (w) => `Application complete and deposit paid: enrolled for the ${intake(w)} intake.`,
    () => 'Accepted the offer; welcome pack sent.',
    () => 'Enrolled with a 20% merit scholarship.',
    (w) => `Signed up for ${w.course}; handed over to admissions.`,
  ],
  unreachable: [
    () => 'No response after three calls and two emails.',
    () => 'Number no longer in service and the email bounced.',
  ],
  lost: [
    () => 'Chose another university closer to home.',
    () => 'Fees are beyond their budget this year; may reapply next year.',
    () => 'Decided to defer their studies for a year.',
    () => 'Wanted a fully online course, which we do not offer.',
  ],
  released: [
    () => 'On leave next week: returning this one to the pool.',
    () => 'Would be better with a counsellor who knows this course well.',
  ],
}
