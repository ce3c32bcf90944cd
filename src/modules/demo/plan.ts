import { faker as random } from '@faker-js/faker/locale/base'
import { objectId } from '../../db/schema/columns.js'
import {
  type ActivityDetails,
  type ActivityType,
  type activity,
  type EnquiryPriority,
  type EnquiryStatus,
  type enquiries,
  enquiryPriorities,
  type notes,
} from '../../db/schema/index.js'
import {
  COURSES,
  ENQUIRY_MESSAGES,
  LOCALES,
  NOTES,
  type NoteKind,
  PRIORITIES,
  SOURCES,
  type Weighted,
  type Writer,
} from './content.js'

/**
 * Plans a pipeline of demo enquiries as the app would have written them over the past months:
 * each lead gets a story (claimed or assigned, notes, status changes, a release, a resubmitted
 * form) whose activity entries carry the same types, actors and details the enquiry service
 * records. The same seed gives the same people and stories (only the ids differ), dated back
 * from `now`.
 */

export interface Person {
  _id: string
  name: string
  email: string
}

export interface DemoTeam {
  admin: Person
  /** `share`: how many leads each takes, relatively; `conversionRate`: of their closed leads. */
  counselors: { person: Person; share: number; conversionRate: number }[]
}

export interface DemoPipeline {
  enquiries: (typeof enquiries.$inferInsert)[]
  notes: (typeof notes.$inferInsert)[]
  activity: (typeof activity.$inferInsert)[]
}

export interface PlanOptions {
  seed: number
  count: number
  /** Numbers prospects' emails and phones from here, so a later run cannot repeat them. */
  firstNumber: number
  now: Date
  team: DemoTeam
}

type Happening =
  | { type: 'claimed'; actor: Person }
  | { type: 'assigned'; actor: Person; to: Person }
  | { type: 'released'; actor: Person }
  | { type: 'status_changed'; actor: Person; from: EnquiryStatus; to: EnquiryStatus }
  | { type: 'note_added'; actor: Person; text: string }
  | ReturnType<typeof resubmission>

/** Something that happened to a lead, some time after the step before it. */
interface Step {
  afterMs: number
  what: Happening
}

type Stage = 'unclaimed' | 'claimed' | 'contacted' | 'closed'

const STAGES: Weighted<Stage>[] = [
  { weight: 15, value: 'unclaimed' },
  { weight: 15, value: 'claimed' },
  { weight: 22, value: 'contacted' },
  { weight: 48, value: 'closed' },
]

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** How long ago leads of each stage came in, in days: older leads have travelled further. */
const AGE_DAYS: Record<EnquiryStatus, [number, number]> = {
  unclaimed: [0.01, 12],
  claimed: [0.1, 25],
  contacted: [1, 50],
  converted: [6, 90],
  lost: [6, 90],
}

const pickWeighted = <T>(items: Weighted<T>[]): T => random.helpers.weightedArrayElement(items)
const chance = (probability: number) => random.datatype.boolean({ probability })
const uniform = (min: number, max: number) => random.number.float({ min, max })
/** Response times are skewed: most are quick, a few take days. */
const wait = (min: number, max: number) => Math.exp(uniform(Math.log(min), Math.log(max)))

const higherPriority = (a: EnquiryPriority, b: EnquiryPriority) =>
  enquiryPriorities.indexOf(a) >= enquiryPriorities.indexOf(b) ? a : b

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '')
}

interface Lead {
  writer: Writer
  person: Person
  conversionRate: number
  admin: Person
}

function story(lead: Lead, stage: Stage): { steps: Step[]; status: EnquiryStatus } {
  const { person: owner, writer } = lead
  const steps: Step[] = []
  const then = (afterMs: number, what: Happening) => steps.push({ afterMs, what })
  const note = (kind: NoteKind, afterMs: number) =>
    then(afterMs, { type: 'note_added', actor: owner, text: writer.pick(NOTES[kind])(writer) })
  const take = () =>
    chance(0.15)
      ? then(wait(10 * MINUTE, 36 * HOUR), { type: 'assigned', actor: lead.admin, to: owner })
      : then(wait(5 * MINUTE, 36 * HOUR), { type: 'claimed', actor: owner })
  const move = (from: EnquiryStatus, to: EnquiryStatus, afterMs: number) =>
    then(afterMs, { type: 'status_changed', actor: owner, from, to })

  if (stage === 'unclaimed') {
    if (chance(0.15)) {
      take()
      note('released', wait(HOUR, 3 * DAY))
      then(wait(MINUTE, 10 * MINUTE), { type: 'released', actor: owner })
    }
    return { steps, status: 'unclaimed' }
  }
  take()
  if (stage === 'claimed') {
    if (chance(0.5)) note('attempt', wait(10 * MINUTE, DAY))
    return { steps, status: 'claimed' }
  }
  const converted = stage === 'closed' && chance(lead.conversionRate)
  if (stage === 'closed' && !converted && chance(0.3)) {
    note('attempt', wait(10 * MINUTE, DAY))
    note('unreachable', wait(2 * DAY, 7 * DAY))
    move('claimed', 'lost', wait(MINUTE, 10 * MINUTE))
    return { steps, status: 'lost' }
  }
  if (chance(0.5)) note('attempt', wait(10 * MINUTE, DAY))
  move('claimed', 'contacted', wait(HOUR, 2 * DAY))
  note('conversation', wait(5 * MINUTE, HOUR))
  if (chance(0.5)) note('conversation', wait(DAY, 5 * DAY))
  if (stage === 'contacted') return { steps, status: 'contacted' }
  const outcome = converted ? 'converted' : 'lost'
  note(outcome, wait(2 * DAY, 15 * DAY))
  move('contacted', outcome, wait(MINUTE, 2 * HOUR))
  return { steps, status: outcome }
}

/** Dates the steps from `createdAt`, squeezed if needed so that the last one is before `now`. */
function datesOf(steps: Step[], createdAt: Date, now: Date): Date[] {
  const total = steps.reduce((sum, step) => sum + step.afterMs, 0)
  const room = now.getTime() - createdAt.getTime() - MINUTE
  // Squeezed stories end some time before now, not all a minute ago.
  const scale = total > room ? (room * uniform(0.5, 0.95)) / total : 1
  let at = createdAt.getTime()
  return steps.map((step) => {
    at += Math.max(1000, Math.round(step.afterMs * scale))
    return new Date(at)
  })
}

export function planDemoPipeline(options: PlanOptions): DemoPipeline {
  random.seed(options.seed)
  for (const { value } of LOCALES) value.faker.seed(options.seed)
  const owners = options.team.counselors.map((counselor) => ({
    weight: counselor.share,
    value: counselor,
  }))
  const pipeline: DemoPipeline = { enquiries: [], notes: [], activity: [] }
  for (let i = 0; i < options.count; i++) {
    const number = options.firstNumber + i
    const prospect = newProspect(number)
    const counselor = pickWeighted(owners)
    const lead = { ...counselor, writer: prospect.writer, admin: options.team.admin }
    const { steps, status } = story(lead, pickWeighted(STAGES))
    let priority = pickWeighted(PRIORITIES)
    // A form sent again while the lead is open joins it and keeps the higher priority.
    if (status !== 'converted' && status !== 'lost' && chance(0.1)) {
      const again = resubmission(prospect.writer)
      steps.push({ afterMs: wait(HOUR, 5 * DAY), what: again })
      priority = higherPriority(priority, again.details.priority)
    }
    const [minDays, maxDays] = status === 'unclaimed' && chance(0.15) ? [12, 35] : AGE_DAYS[status]
    const createdAt = new Date(options.now.getTime() - uniform(minDays, maxDays) * DAY)
    const id = objectId()
    const held = record(pipeline, id, createdAt, steps, datesOf(steps, createdAt, options.now))
    pipeline.enquiries.push({
      id,
      name: prospect.name,
      email: prospect.email,
      phone: prospect.phone,
      courseInterest: prospect.writer.course,
      message: chance(0.8) ? prospect.writer.pick(ENQUIRY_MESSAGES)(prospect.writer) : null,
      status,
      source: pickWeighted(SOURCES),
      priority,
      claimedBy: held.owner?._id ?? null,
      claimedAt: held.claimedAt,
      createdAt,
      updatedAt: held.lastAt,
    })
  }
  return pipeline
}

/** Spreads 1, 2, 3… over seven digits without repeating one (7919 is prime to 10⁷). */
const scramble = (number: number) => (number * 7919 + 4_206_133) % 10_000_000

/** A prospect from one of several countries; `number` makes their email and phone unique. */
function newProspect(number: number) {
  const locale = pickWeighted(LOCALES)
  const firstName = locale.faker.person.firstName()
  const lastName = locale.faker.person.lastName()
  const writer: Writer = {
    pick: (items) => random.helpers.arrayElement(items),
    course: pickWeighted(COURSES),
    country: locale.country,
  }
  const domain = writer.pick(['example.com', 'example.org', 'example.net'])
  return {
    writer,
    name: `${firstName} ${lastName}`.slice(0, 100),
    email: `${slug(firstName) || 'student'}.${slug(lastName) || 'demo'}.${number}@${domain}`,
    phone: locale.phone(String(scramble(number)).padStart(7, '0')),
  }
}

function resubmission(writer: Writer) {
  return {
    type: 'resubmitted' as const,
    details: {
      message: chance(0.7) ? writer.pick(ENQUIRY_MESSAGES)(writer) : null,
      courseInterest: writer.course,
      priority: pickWeighted(PRIORITIES),
    },
  }
}

/**
 * Writes the lead's activity entries and notes as the enquiry service does (a note and its
 * `note_added` entry share their time); returns who holds the lead at the end, and since when.
 */
function record(
  pipeline: DemoPipeline,
  enquiryId: string,
  createdAt: Date,
  steps: Step[],
  dates: Date[],
): { owner: Person | null; claimedAt: Date | null; lastAt: Date } {
  const entry = (at: Date, type: ActivityType, actor: Person | null, details: ActivityDetails) =>
    pipeline.activity.push({
      id: objectId(),
      enquiryId,
      type,
      actorId: actor?._id ?? null,
      at,
      details,
    })
  entry(createdAt, 'created', null, {})
  let owner: Person | null = null
  let claimedAt: Date | null = null
  for (const [index, { what }] of steps.entries()) {
    const at = dates[index] ?? createdAt
    switch (what.type) {
      case 'claimed':
        entry(at, 'claimed', what.actor, {})
        owner = what.actor
        claimedAt = at
        break
      case 'assigned':
        entry(at, 'assigned', what.actor, { employee: what.to, previousOwner: owner })
        owner = what.to
        claimedAt = at
        break
      case 'released':
        entry(at, 'released', what.actor, { previousOwner: owner })
        owner = null
        claimedAt = null
        break
      case 'status_changed':
        entry(at, 'status_changed', what.actor, { from: what.from, to: what.to })
        break
      case 'note_added': {
        const noteId = objectId()
        pipeline.notes.push({
          id: noteId,
          enquiryId,
          text: what.text,
          addedBy: what.actor._id,
          addedAt: at,
        })
        entry(at, 'note_added', what.actor, { noteId })
        break
      }
      case 'resubmitted':
        entry(at, 'resubmitted', null, what.details)
        break
    }
  }
  return { owner, claimedAt, lastAt: dates.at(-1) ?? createdAt }
}
