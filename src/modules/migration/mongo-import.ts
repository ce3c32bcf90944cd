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
  const report: ImportReport = {
    read: 0,
    imported: { employees: 0, enquiries: 0, notes: 0 },
    alreadyPresent: 0,
    skipped: [],
    mapped: [],
    errors: [],
  }
  const invalid: string[] = []

  const employeeRows: ImportedEmployee[] = []
  if (files.employees) {
    const { records, errors } = readMongoExport(files.employees.text)
    invalid.push(...errors.map((e) => `${files.employees?.name}: ${e}`))
    report.read += records.length + errors.length
    const emails = new Map<string, string>()
    for (const { where, value } of records) {
      const converted = convertEmployee(value)
      const at = `${files.employees.name} ${where}`
      if (!converted.ok) {
        invalid.push(`${at}: ${converted.reason}`)
        continue
      }
      const sameEmail = emails.get(converted.row.email)
      if (sameEmail && sameEmail !== converted.row.id) {
        invalid.push(`${at}: email ${converted.row.email} is used by another employee in the file`)
        continue
      }
      emails.set(converted.row.email, converted.row.id)
      report.mapped.push(...converted.mapped.map((m) => `${at}: ${m}`))
      employeeRows.push(converted.row)
    }
  }

  const enquiryRows: { at: string; row: ImportedEnquiry }[] = []
  if (files.enquiries) {
    const { records, errors } = readMongoExport(files.enquiries.text)
    invalid.push(...errors.map((e) => `${files.enquiries?.name}: ${e}`))
    report.read += records.length + errors.length
    for (const { where, value } of records) {
      const converted = convertEnquiry(value)
      const at = `${files.enquiries.name} ${where}`
      if (!converted.ok) {
        invalid.push(`${at}: ${converted.reason}`)
        continue
      }
      report.mapped.push(...converted.mapped.map((m) => `${at}: ${m}`))
      enquiryRows.push({ at, row: converted.row })
    }
  }

  // Checks against what the database already holds.
  const existingEmployees = await db
    .select({ id: employees.id, email: employees.email })
    .from(employees)
  const knownEmployees = new Set([
    ...existingEmployees.map((e) => e.id),
    ...employeeRows.map((e) => e.id),
  ])
  const emailOwner = new Map(existingEmployees.map((e) => [e.email.toLowerCase(), e.id]))
  const acceptedEmployees = employeeRows.filter((employee) => {
    const owner = emailOwner.get(employee.email)
    if (owner && owner !== employee.id) {
      invalid.push(
        `employee ${employee.id}: email ${employee.email} already belongs to employee ${owner}`,
      )
      knownEmployees.delete(employee.id)
      return false
    }
    return true
  })

  const openEmails = enquiryRows.filter((e) => isOpen(e.row.status)).map((e) => e.row.email)
  const openDigits = enquiryRows
    .filter((e) => isOpen(e.row.status))
    .map((e) => digitsOf(e.row.phone))
  const existingOpen =
    openEmails.length === 0
      ? []
      : await db
          .select({ id: enquiries.id, email: enquiries.email, digits: enquiries.phoneDigits })
          .from(enquiries)
          .where(
            sql`${inArray(enquiries.status, [...openStatuses])} AND ${or(inArray(enquiries.email, openEmails), inArray(enquiries.phoneDigits, openDigits))}`,
          )
  const openByKey = new Map<string, string>()
  for (const row of existingOpen) {
    openByKey.set(`email:${row.email}`, row.id)
    openByKey.set(`phone:${row.digits}`, row.id)
  }
  const acceptedEnquiries: ImportedEnquiry[] = []
  for (const { at, row } of enquiryRows) {
    if (row.claimedBy && !knownEmployees.has(row.claimedBy)) {
      invalid.push(`${at}: claimedBy ${row.claimedBy} is not an imported or existing employee`)
      continue
    }
    for (const note of row.notes) {
      if (note.addedBy && !knownEmployees.has(note.addedBy)) {
        report.mapped.push(`${at}: note ${note.id} author ${note.addedBy} is unknown → no author`)
        note.addedBy = null
      }
    }
    if (isOpen(row.status)) {
      const keys = [`email:${row.email}`, `phone:${digitsOf(row.phone)}`]
      const other = keys
        .map((key) => openByKey.get(key))
        .find((id) => id !== undefined && id !== row.id)
      if (other) {
        invalid.push(`${at}: enquiry ${other} is already open for the same email or phone`)
        continue
      }
      for (const key of keys) openByKey.set(key, row.id)
    }
    acceptedEnquiries.push(row)
  }

  if (invalid.length > 0 && !options.skipInvalid) {
    report.errors = invalid
    return report
  }
  report.skipped = invalid

  await db.transaction(async (tx) => {
    for (const batch of chunks(acceptedEmployees)) {
      const inserted = await tx
        .insert(employees)
        .values(batch)
        .onConflictDoNothing({ target: employees.id })
        .returning({ id: employees.id })
      report.imported.employees += inserted.length
    }
    for (const batch of chunks(acceptedEnquiries)) {
      const inserted = await tx
        .insert(enquiries)
        .values(batch.map(({ notes: _notes, ...row }) => row))
        .onConflictDoNothing({ target: enquiries.id })
        .returning({ id: enquiries.id })
      report.imported.enquiries += inserted.length
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
        report.imported.notes += added.length
      }
      // The history starts where the old system's did: created, and claimed when it was.
      const history = created.flatMap((row) => [
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
      ])
      for (const historyBatch of chunks(history)) {
        await tx.insert(activity).values(historyBatch).onConflictDoNothing({ target: activity.id })
      }
    }
  })
  report.alreadyPresent =
    acceptedEmployees.length -
    report.imported.employees +
    acceptedEnquiries.length -
    report.imported.enquiries
  return report
}
