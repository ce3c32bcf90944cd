import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type AuditAction, auditLog, type EmployeeRef, employees } from '../../db/schema/index.js'

/** The audit log's rows; every function takes a handle that may be a transaction. */

export interface NewAuditEntry {
  action: AuditAction
  /** The employee who acted; null for the system (a command-line tool, a scheduled job). */
  actorId: string | null
  details?: Record<string, unknown>
}

export interface AuditRecord {
  _id: string
  action: AuditAction
  actor: EmployeeRef | null
  at: Date
  details: Record<string, unknown>
}

export interface AuditFilter {
  action?: AuditAction | undefined
  actorId?: string | undefined
}

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} })
}

const conditionsOf = (filter: AuditFilter): SQL | undefined =>
  and(
    filter.action !== undefined ? eq(auditLog.action, filter.action) : undefined,
    filter.actorId !== undefined ? eq(auditLog.actorId, filter.actorId) : undefined,
  )

/** A page of entries, newest first, and how many match. */
export async function listAuditEntries(
  db: Db,
  filter: AuditFilter,
  { offset, limit }: { offset: number; limit: number },
): Promise<{ rows: AuditRecord[]; total: number }> {
  const where = conditionsOf(filter)
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        _id: auditLog.id,
        action: auditLog.action,
        actor: { _id: employees.id, name: employees.name, email: employees.email },
        at: auditLog.at,
        details: auditLog.details,
      })
      .from(auditLog)
      .leftJoin(employees, eq(employees.id, auditLog.actorId))
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .offset(offset)
      .limit(limit),
    db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(where),
  ])
  return { rows, total: counted?.total ?? 0 }
}
