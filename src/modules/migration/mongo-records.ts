import { createHash } from 'node:crypto'
import { EJSON, ObjectId } from 'bson'
import {
  type EmployeeRow,
  type EnquiryRow,
  type EnquiryStatus,
  employeeRoles,
  enquiryPriorities,
  enquirySources,
  enquiryStatuses,
  type notes,
} from '../../db/schema/index.js'

/** One record of a mongoexport file, with where it came from for messages. */
export interface SourceRecord {
  /** "line 12" for JSON lines, "record 3" for --jsonArray files. */
  where: string
  value: unknown
}

/** Reads what mongoexport writes: JSON lines, or one JSON array (--jsonArray); canonical or relaxed Extended JSON. */
export function readMongoExport(text: string): { records: SourceRecord[]; errors: string[] } {
  const records: SourceRecord[] = []
  const errors: string[] = []
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed = EJSON.parse(text, { relaxed: true }) as unknown
      if (!Array.isArray(parsed)) return { records, errors: ['the file is not a JSON array'] }
      parsed.forEach((value, index) => {
        records.push({ where: `record ${index + 1}`, value })
      })
    } catch (error) {
      errors.push(`the JSON array cannot be parsed: ${(error as Error).message}`)
    }
    return { records, errors }
  }
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return
    try {
      records.push({ where: `line ${index + 1}`, value: EJSON.parse(line, { relaxed: true }) })
    } catch (error) {
      errors.push(`line ${index + 1}: not valid Extended JSON (${(error as Error).message})`)
    }
  })
  return { records, errors }
}

/** Rows as the tables hold them (the phone's digits are generated; tokens start at version 0). */
// Availability, caps and notification choices are ours: an imported employee starts with the defaults.
export type ImportedEmployee = Omit<
  EmployeeRow,
  'tokenVersion' | 'available' | 'maxOpenLeads' | 'emailNotifications'
>
export type ImportedNote = Omit<typeof notes.$inferSelect, 'enquiryId'>
// First-contact clocks and follow-ups are ours: an imported enquiry has none.
export type ImportedEnquiry = Omit<
  EnquiryRow,
  | 'phoneDigits'
  | 'erasedAt'
  | 'firstContactDueAt'
  | 'firstContactWarnAt'
  | 'firstContactedAt'
  | 'firstContactBreachedAt'
  | 'followUpAt'
  | 'followUpNote'
> & { notes: ImportedNote[] }

/** What a record becomes: the row, or why it cannot be imported; plus the values that were mapped. */
export type Conversion<T> = { ok: true; row: T; mapped: string[] } | { ok: false; reason: string }

type Doc = Record<string, unknown>

const idOf = (value: unknown): string | undefined => {
  if (value instanceof ObjectId) return value.toHexString()
  if (typeof value === 'string' && /^[0-9a-fA-F]{24}$/.test(value)) return value.toLowerCase()
  return undefined
}

const dateOf = (value: unknown): Date | undefined => {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value)
    if (!Number.isNaN(date.getTime())) return date
  }
  return undefined
}

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined

/** Ids for rows the old system kept inside a document (notes without _id): stable across runs. */
export const derivedId = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 24)

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: T,
  field: string,
  mapped: string[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  mapped.push(
    `${field} ${value === undefined || value === null ? '(missing)' : JSON.stringify(value)} → ${fallback}`,
  )
  return fallback
}

function required(doc: Doc, field: string, max: number): string | { reason: string } {
  const value = textOf(doc[field])
  if (value === undefined) return { reason: `${field} is missing` }
  if (value.length > max) return { reason: `${field} is longer than ${max} characters` }
  return value
}

export function convertEmployee(value: unknown): Conversion<ImportedEmployee> {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not a document' }
  const doc = value as Doc
  const id = idOf(doc._id)
  if (!id) return { ok: false, reason: '_id is not an ObjectId' }
  const name = required(doc, 'name', 100)
  if (typeof name !== 'string') return { ok: false, ...name }
  const email = required(doc, 'email', 254)
  if (typeof email !== 'string') return { ok: false, ...email }
  const passwordHash = textOf(doc.password)
  if (!passwordHash || !/^\$2[aby]\$\d{2}\$/.test(passwordHash)) {
    return { ok: false, reason: 'password is not a bcrypt hash' }
  }
  const mapped: string[] = []
  const role = oneOf(doc.role, employeeRoles, 'counselor', 'role', mapped)
  const createdAt = dateOf(doc.createdAt) ?? new ObjectId(id).getTimestamp()
  return {
    ok: true,
    mapped,
    row: {
      id,
      name,
      email: email.toLowerCase(),
      passwordHash,
      role,
      isActive: doc.isActive !== false,
      lastLogin: dateOf(doc.lastLogin) ?? null,
      createdAt,
      updatedAt: dateOf(doc.updatedAt) ?? createdAt,
    },
  }
}

export function convertEnquiry(value: unknown): Conversion<ImportedEnquiry> {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not a document' }
  const doc = value as Doc
  const id = idOf(doc._id)
  if (!id) return { ok: false, reason: '_id is not an ObjectId' }
  const fields: Record<string, string> = {}
  for (const [field, max] of [
    ['name', 100],
    ['email', 254],
    ['phone', 40],
    ['courseInterest', 100],
  ] as const) {
    const text = required(doc, field, max)
    if (typeof text !== 'string') return { ok: false, ...text }
    fields[field] = text
  }
  const mapped: string[] = []
  const source = oneOf(doc.source, enquirySources, 'other', 'source', mapped)
  const priority = oneOf(doc.priority, enquiryPriorities, 'medium', 'priority', mapped)
  const held = ownerAndStatusOf(doc, mapped)
  if ('reason' in held) return { ok: false, reason: held.reason }
  const { claimedBy, status } = held
  const createdAt = dateOf(doc.createdAt) ?? new ObjectId(id).getTimestamp()
  const notes = notesOf(doc, id, createdAt)
  if ('reason' in notes) return { ok: false, reason: notes.reason }
  return {
    ok: true,
    mapped,
    row: {
      id,
      name: fields.name ?? '',
      email: (fields.email ?? '').toLowerCase(),
      phone: fields.phone ?? '',
      courseInterest: fields.courseInterest ?? '',
      message: textOf(doc.message)?.slice(0, 2000) ?? null,
      status,
      source,
      priority,
      claimedBy,
      claimedAt: claimedBy ? (dateOf(doc.claimedAt) ?? createdAt) : null,
      createdAt,
      updatedAt: dateOf(doc.updatedAt) ?? createdAt,
      notes: notes.notes,
    },
  }
}

/** The owner, and a status consistent with it: an owned lead is at least claimed. */
function ownerAndStatusOf(
  doc: Doc,
  mapped: string[],
): { claimedBy: string | null; status: EnquiryStatus } | { reason: string } {
  const claimedBy =
    doc.claimedBy === undefined || doc.claimedBy === null ? null : idOf(doc.claimedBy)
  if (claimedBy === undefined) return { reason: 'claimedBy is not an ObjectId' }
  let status = oneOf(
    doc.status,
    enquiryStatuses,
    claimedBy ? 'claimed' : 'unclaimed',
    'status',
    mapped,
  )
  if (status === 'unclaimed' && claimedBy) {
    mapped.push('status unclaimed with an owner → claimed')
    status = 'claimed'
  }
  if (status !== 'unclaimed' && !claimedBy) {
    return { reason: `status is ${status} but claimedBy is missing` }
  }
  return { claimedBy, status }
}

/** The embedded notes; one without text, too long, or with a malformed author refuses the record. */
function notesOf(
  doc: Doc,
  enquiryId: string,
  createdAt: Date,
): { notes: ImportedNote[] } | { reason: string } {
  const notes: ImportedNote[] = []
  const rawNotes = Array.isArray(doc.notes) ? doc.notes : []
  for (const [index, raw] of rawNotes.entries()) {
    const note = (typeof raw === 'object' && raw !== null ? raw : {}) as Doc
    const text = textOf(note.text)
    if (!text) return { reason: `notes.${index}.text is missing` }
    if (text.length > 2000) return { reason: `notes.${index}.text is longer than 2000 characters` }
    const addedBy = note.addedBy === undefined || note.addedBy === null ? null : idOf(note.addedBy)
    if (addedBy === undefined) return { reason: `notes.${index}.addedBy is not an ObjectId` }
    notes.push({
      id: idOf(note._id) ?? derivedId(enquiryId, 'note', String(index)),
      text,
      addedBy,
      addedAt: dateOf(note.addedAt) ?? createdAt,
    })
  }
  return { notes }
}
