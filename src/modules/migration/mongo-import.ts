import { inArray, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { activity, employees, enquiries, notes, openStatuses } from '../../db/schema/index.js'
import {
  convertEmployee,
  convertEnquiry,
  derivedId,
  type ImportedEmployee,
  type ImportedEnquiry,
  readMongoExport,
} from './mongo-records.js'

export interface ImportFiles {
  employees?: { name: string; text: string }
  enquiries?: { name: string; text: string }
}

export interface ImportReport {
  read: number
  imported: { employees: number; enquiries: number; notes: number }
  /** Records already present (same _id): a second run imports nothing. */
  alreadyPresent: number
  skipped: string[]
  mapped: string[]
  /** Problems that stopped the import (nothing was written). */
  errors: string[]
}

const BATCH = 500
const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) =>
    items.slice(i * BATCH, (i + 1) * BATCH),
  )
const isOpen = (status: string) => (openStatuses as readonly string[]).includes(status)
const digitsOf = (phone: string) => phone.replace(/\D/g, '')

/** What reading and checking found: records to skip (or to stop on), and values mapped on the way. */
interface Findings {
  invalid: string[]
  mapped: string[]
}

/**
 * Imports the original system's collections as mongoexport wrote them. Every record is checked
 * first; unless skipInvalid, one bad record stops the import before anything is written. Records
 * whose _id is already present are left alone, so running it twice changes nothing.
 */
export async function importMongoData(
  db: Db,
  files: ImportFiles,
  options: { skipInvalid: boolean },
): Promise<ImportReport> {
  const findings: Findings = { invalid: [], mapped: [] }
  const employeeFile = files.employees ? readEmployees(files.employees, findings) : undefined
  const enquiryFile = files.enquiries ? readEnquiries(files.enquiries, findings) : undefined
  const { accepted: acceptedEmployees, known } = await checkEmployees(
    db,
    employeeFile?.rows ?? [],
    findings,
  )
  const acceptedEnquiries = await checkEnquiries(db, enquiryFile?.rows ?? [], known, findings)

  const report: ImportReport = {
    read: (employeeFile?.read ?? 0) + (enquiryFile?.read ?? 0),
    imported: { employees: 0, enquiries: 0, notes: 0 },
    alreadyPresent: 0,
    skipped: [],
    mapped: findings.mapped,
    errors: [],
  }
  if (findings.invalid.length > 0 && !options.skipInvalid) {
    report.errors = findings.invalid
    return report
  }
  report.skipped = findings.invalid
  report.imported = await db.transaction((tx) => write(tx, acceptedEmployees, acceptedEnquiries))
  report.alreadyPresent =
    acceptedEmployees.length -
    report.imported.employees +
    acceptedEnquiries.length -
    report.imported.enquiries
  return report
}

function readEmployees(file: { name: string; text: string }, findings: Findings) {
  const { records, errors } = readMongoExport(file.text)
  findings.invalid.push(...errors.map((e) => `${file.name}: ${e}`))
  const rows: ImportedEmployee[] = []
  const emails = new Map<string, string>()
  for (const { where, value } of records) {
    const converted = convertEmployee(value)
    const at = `${file.name} ${where}`
    if (!converted.ok) {
      findings.invalid.push(`${at}: ${converted.reason}`)
      continue
    }
    const sameEmail = emails.get(converted.row.email)
    if (sameEmail && sameEmail !== converted.row.id) {
      findings.invalid.push(
        `${at}: email ${converted.row.email} is used by another employee in the file`,
      )
      continue
    }
    emails.set(converted.row.email, converted.row.id)
    findings.mapped.push(...converted.mapped.map((m) => `${at}: ${m}`))
    rows.push(converted.row)
  }
  return { rows, read: records.length + errors.length }
}

function readEnquiries(file: { name: string; text: string }, findings: Findings) {
  const { records, errors } = readMongoExport(file.text)
  findings.invalid.push(...errors.map((e) => `${file.name}: ${e}`))
  const rows: { at: string; row: ImportedEnquiry }[] = []
  for (const { where, value } of records) {
    const converted = convertEnquiry(value)
    const at = `${file.name} ${where}`
    if (!converted.ok) {
      findings.invalid.push(`${at}: ${converted.reason}`)
      continue
    }
    findings.mapped.push(...converted.mapped.map((m) => `${at}: ${m}`))
    rows.push({ at, row: converted.row })
  }
  return { rows, read: records.length + errors.length }
}

/** Employees whose email another employee in the database already has are refused. */
async function checkEmployees(db: Db, rows: ImportedEmployee[], findings: Findings) {
  const existing = await db.select({ id: employees.id, email: employees.email }).from(employees)
  const known = new Set([...existing.map((e) => e.id), ...rows.map((e) => e.id)])
  const emailOwner = new Map(existing.map((e) => [e.email.toLowerCase(), e.id]))
  const accepted = rows.filter((employee) => {
    const owner = emailOwner.get(employee.email)
    if (owner && owner !== employee.id) {
      findings.invalid.push(
        `employee ${employee.id}: email ${employee.email} already belongs to employee ${owner}`,
      )
      known.delete(employee.id)
      return false
    }
    return true
  })
  return { accepted, known }
}

/**
 * Enquiries must name known owners, and an open one must not collide with another open one for
 * the same email or phone (in the database or earlier in the file); unknown note authors are
 * dropped.
 */
async function checkEnquiries(
  db: Db,
  rows: { at: string; row: ImportedEnquiry }[],
  knownEmployees: Set<string>,
  findings: Findings,
): Promise<ImportedEnquiry[]> {
  const openRows = rows.filter((e) => isOpen(e.row.status)).map((e) => e.row)
  const existingOpen =
    openRows.length === 0
      ? []
      : await db
          .select({ id: enquiries.id, email: enquiries.email, digits: enquiries.phoneDigits })
          .from(enquiries)
          .where(
            sql`${inArray(enquiries.status, [...openStatuses])} AND ${or(
              inArray(
                enquiries.email,
                openRows.map((row) => row.email),
              ),
              inArray(
                enquiries.phoneDigits,
                openRows.map((row) => digitsOf(row.phone)),
              ),
            )}`,
          )
  const openByKey = new Map<string, string>()
  for (const row of existingOpen) {
    openByKey.set(`email:${row.email}`, row.id)
    openByKey.set(`phone:${row.digits}`, row.id)
  }
  const accepted: ImportedEnquiry[] = []
  for (const { at, row } of rows) {
    if (row.claimedBy && !knownEmployees.has(row.claimedBy)) {
      findings.invalid.push(
        `${at}: claimedBy ${row.claimedBy} is not an imported or existing employee`,
      )
      continue
    }
    for (const note of row.notes) {
      if (note.addedBy && !knownEmployees.has(note.addedBy)) {
        findings.mapped.push(`${at}: note ${note.id} author ${note.addedBy} is unknown → no author`)
        note.addedBy = null
      }
    }
    if (isOpen(row.status)) {
      const keys = [`email:${row.email}`, `phone:${digitsOf(row.phone)}`]
      const other = keys
        .map((key) => openByKey.get(key))
        .find((id) => id !== undefined && id !== row.id)
      if (other) {
        findings.invalid.push(`${at}: enquiry ${other} is already open for the same email or phone`)
        continue
      }
      for (const key of keys) openByKey.set(key, row.id)
    }
    accepted.push(row)
  }
  return accepted
}

/** Inserts what is not there yet, in batches, with each new enquiry's notes and history. */
async function write(tx: Db, employeeRows: ImportedEmployee[], enquiryRows: ImportedEnquiry[]) {
  const imported = { employees: 0, enquiries: 0, notes: 0 }
  for (const batch of chunks(employeeRows)) {
    const inserted = await tx
      .insert(employees)
      .values(batch)
      .onConflictDoNothing({ target: employees.id })
      .returning({ id: employees.id })
    imported.employees += inserted.length
  }
  for (const batch of chunks(enquiryRows)) {
    const inserted = await tx
      .insert(enquiries)
      .values(batch.map(({ notes: _notes, ...row }) => row))
      .onConflictDoNothing({ target: enquiries.id })
      .returning({ id: enquiries.id })
    imported.enquiries += inserted.length
    const fresh = new Set(inserted.map((row) => row.id))
    const created = batch.filter((row) => fresh.has(row.id))
    const noteRows = created.flatMap((row) =>
      row.notes.map((note) => ({ ...note, enquiryId: row.id })),
    )
    for (const noteBatch of chunks(noteRows)) {
      const added = await tx
        .insert(notes)
        .values(noteBatch)
        .onConflictDoNothing({ target: notes.id })
        .returning({ id: notes.id })
      imported.notes += added.length
    }
    for (const historyBatch of chunks(created.flatMap(historyOf))) {
      await tx.insert(activity).values(historyBatch).onConflictDoNothing({ target: activity.id })
    }
  }
  return imported
}

/** The history starts where the old system's did: created, claimed when it was, and each note. */
function historyOf(row: ImportedEnquiry) {
  return [
    {
      id: derivedId(row.id, 'created'),
      enquiryId: row.id,
      type: 'created' as const,
      actorId: null,
      at: row.createdAt,
      details: { reason: 'imported' },
    },
    ...(row.claimedBy && row.claimedAt
      ? [
          {
            id: derivedId(row.id, 'claimed'),
            enquiryId: row.id,
            type: 'claimed' as const,
            actorId: row.claimedBy,
            at: row.claimedAt,
            details: { reason: 'imported' },
          },
        ]
      : []),
    ...row.notes.map((note) => ({
      id: derivedId(row.id, 'note', note.id),
      enquiryId: row.id,
      type: 'note_added' as const,
      actorId: note.addedBy,
      at: note.addedAt,
      details: { noteId: note.id },
    })),
  ]
}
