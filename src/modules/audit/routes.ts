import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { forAdmins } from '../../plugins/auth.js'
import { pagedResponse, responses, withId } from '../../schemas.js'
import { AuditListResponse, AuditQuery } from './schemas.js'
import { type AuditRecord, listAuditPage } from './service.js'

const toAuditEntryView = (entry: AuditRecord) => ({
  ...withId(entry),
  actor: entry.actor && withId(entry.actor),
  at: entry.at.toISOString(),
})

/** GET /api/audit: read only. No route changes or deletes an entry. */
const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['audit (admin)'],
        summary: 'The audit log, newest first (admin)',
        description:
          'CSV exports, subject access and erasure requests, and changes of role or activation: who, when and what. Entries cannot be changed or deleted.',
        security: [{ bearerAuth: [] }],
        querystring: AuditQuery,
        response: responses({ 200: AuditListResponse }, [400, 401, 403]),
      },
    },
    async (request) => {
      const { page, limit, action, actorId } = request.query
      const result = await listAuditPage(app.db, { action, actorId }, { page, limit })
      return pagedResponse(result, limit, toAuditEntryView)
    },
  )
}

export default forAdmins(auditRoutes)
