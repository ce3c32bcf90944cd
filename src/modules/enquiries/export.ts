import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { Db } from '../../db/client.js'
import { type EnquiryFilter, listEnquiriesAfter } from './listing.js'

const BATCH_SIZE = 1000

const COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'courseInterest',
  'message',
  'status',
  'source',
  'priority',
  'claimedById',
  'claimedByName',
  'claimedByEmail',
  'claimedAt',
  'createdAt',
  'updatedAt',
] as const

/**
 * Spreadsheets run a cell that starts with =, +, -, @, tab or carriage return as a formula; a
 * leading single quote makes it plain text (the OWASP CSV injection advice). Every line start
 * inside a value gets the same guard, for any reader that splits a multi-line cell into rows.
 */
export function neutralizeFormula(value: string): string {
  const guarded = value.replace(/([\r\n])(?=[=+\-@\t])/g, "$1'")
  return /^[=+\-@\t\r]/.test(guarded) ? `'${guarded}` : guarded
}

/** How an export ended: the data rows sent, and whether every matching row was. */
export interface ExportOutcome {
  rows: number
  complete: boolean
}

async function* exportRows(
  db: Db,
  filter: EnquiryFilter,
  onFinished: (outcome: ExportOutcome) => Promise<void>,
) {
  let after: { createdAt: Date; id: string } | undefined
  let rows = 0
  let complete = false
  try {
    for (;;) {
      const batch = await listEnquiriesAfter(db, filter, after, BATCH_SIZE)
      for (const enquiry of batch) {
        yield [
          enquiry._id,
          enquiry.name,
          enquiry.email,
          enquiry.phone,
          enquiry.courseInterest,
          enquiry.message ?? '',
          enquiry.status,
          enquiry.source,
          enquiry.priority,
          enquiry.claimedBy?._id ?? '',
          enquiry.claimedBy?.name ?? '',
          enquiry.claimedBy?.email ?? '',
          enquiry.claimedAt?.toISOString() ?? '',
          enquiry.createdAt.toISOString(),
          enquiry.updatedAt.toISOString(),
        ].map(neutralizeFormula)
        rows++
      }
      const last = batch.at(-1)
      if (!last || batch.length < BATCH_SIZE) {
        complete = true
        return
      }
      after = { createdAt: last.createdAt, id: last._id }
    }
  } finally {
    // Also when the client goes away mid-download. The response ends only after this resolves:
    // no download completes unrecorded.
    await onFinished({ rows, complete })
  }
}

/**
 * Every matching enquiry as RFC 4180 CSV (csv-stringify does the quoting), oldest first, read in
 * keyset batches so memory stays flat however many rows there are. `onFinished` is told how many
 * rows went out (the audit log records it).
 */
export function enquiriesCsv(
  db: Db,
  filter: EnquiryFilter,
  onFinished: (outcome: ExportOutcome) => Promise<void>,
): Readable {
  // Rows are pulled from the database only as fast as the client reads them.
  const rows = Readable.from(exportRows(db, filter, onFinished))
  const csv = stringify({
    header: true,
    columns: [...COLUMNS],
    record_delimiter: 'windows',
    // A line break inside a value is always quoted, so no spreadsheet starts a new row there.
    quoted_match: /[\r\n]/,
  })
  rows.on('error', (error) => csv.destroy(error))
  return rows.pipe(csv)
}
