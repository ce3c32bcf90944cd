import type { Db } from '../../db/client.js'
import {
  type AuditFilter,
  type AuditRecord,
  insertAuditEntry,
  listAuditEntries,
  type NewAuditEntry,
} from './repository.js'

export type { AuditFilter, AuditRecord, NewAuditEntry }

/**
 * Adds an entry to the audit log. Call it with the transaction of the change it records, so that
 * the change and its entry are written together or not at all. Details must not hold a
 * prospect's email, phone or free text (an erasure could not reach them here): ids, counts,
 * reasons an employee typed, filters without the search text.
 */
export async function recordAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  await insertAuditEntry(db, entry)
}

export async function listAuditPage(
  db: Db,
  filter: AuditFilter,
  { page, limit }: { page: number; limit: number },
): Promise<{ rows: AuditRecord[]; total: number; page: number }> {
  const { rows, total } = await listAuditEntries(db, filter, {
    offset: (page - 1) * limit,
    limit,
  })
  return { rows, total, page }
}
