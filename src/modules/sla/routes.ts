import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { appSettings } from '../../db/schema/index.js'
import { currentEmployee, forAdmins } from '../../plugins/auth.js'
import { forgetAfterChanges } from '../../plugins/config-cache.js'
import { responses } from '../../schemas.js'
import { SlaSettingsBody, SlaSettingsResponse } from './schemas.js'
import { getSlaSettings, putSlaSettings } from './service.js'

const security = [{ bearerAuth: [] }]
const tags = ['settings (admin)']

/** The first-contact SLA settings. Admin-only. */
const slaRoutes: FastifyPluginAsyncTypebox = forAdmins(async (app) => {
  forgetAfterChanges(app, appSettings)
  app.get(
    '/sla',
    {
      schema: {
        tags,
        summary: 'The first-contact SLA settings',
        security,
        response: responses({ 200: SlaSettingsResponse }, [401, 403]),
      },
    },
    async () => ({ success: true as const, data: await getSlaSettings(app.db) }),
  )

  app.put(
    '/sla',
    {
      schema: {
        tags,
        summary:
          'Replace the first-contact SLA settings (leads already running keep their deadline)',
        security,
        body: SlaSettingsBody,
        response: responses({ 200: SlaSettingsResponse }, [400, 401, 403]),
      },
    },
    async (request) => ({
      success: true as const,
      message: 'SLA settings saved',
      data: await putSlaSettings(app.db, request.body, currentEmployee(request).id),
    }),
  )
})

export default slaRoutes
