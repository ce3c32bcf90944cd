import type { FastifyInstance } from 'fastify'
import { call } from './app.js'

/** GET /api/privacy/subject with this query string (e.g. `email=…`). */
export const subjectAccess = (app: FastifyInstance, token: string, query: string) =>
  call(app, { method: 'GET', url: `/api/privacy/subject?${query}`, token })

/** POST /api/privacy/erase with this body. */
export const erase = (app: FastifyInstance, token: string, payload: Record<string, unknown>) =>
  call(app, { method: 'POST', url: '/api/privacy/erase', token, payload })

export interface AuditEntryBody {
  _id: string
  action: string
  actor: { _id: string; name: string } | null
  at: string
  details: Record<string, unknown>
}

/** The audit log's entries (newest first) as an admin reads them, optionally filtered. */
export async function auditEntries(
  app: FastifyInstance,
  token: string,
  query = '',
): Promise<{ total: number; data: AuditEntryBody[] }> {
  const { status, body } = await call(app, {
    method: 'GET',
    url: `/api/audit?limit=100${query}`,
    token,
  })
  if (status !== 200) throw new Error(`audit: ${status} ${JSON.stringify(body)}`)
  return body as unknown as { total: number; data: AuditEntryBody[] }
}
