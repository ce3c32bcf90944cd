import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifySchema, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorResponse } from '../schemas.js'

/**
 * Answers every route can give without declaring them itself: 429 from the rate limits, and on
 * routes that take a body 400 (invalid or too deeply nested JSON), 413 and 415. Routes are listed
 * as they are called, without a trailing slash (`/api/enquiries`, not `/api/enquiries/`).
 */
function documentCommonAnswers({
  schema,
  url,
  route,
}: {
  schema: FastifySchema
  url: string
  route: RouteOptions
}): { schema: FastifySchema; url: string } {
  const declared = (schema?.response ?? {}) as Record<string, unknown>
  const common: Record<string, unknown> = {}
  if (route.config?.rateLimit !== false) common[429] = ErrorResponse
  if (schema?.body)
    Object.assign(common, { 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse })
  return {
    schema: schema && { ...schema, response: { ...common, ...declared } },
    url: url.length > 1 ? url.replace(/\/$/, '') : url,
  }
}

/**
 * The OpenAPI document, generated from the route schemas themselves, at /api/openapi.json, and
 * Swagger UI rendering it at /api/docs. Postman imports the JSON document as a collection.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      transform: documentCommonAnswers,
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'CRM Backend API',
          version: '1.0.0',
          description:
            'Public enquiry form, shared lead pool with atomic claiming, lead management, notes and activity history, and admin tools for education and counselling teams. Errors are always `{success: false, message, code, errors?}`: match on the stable `code` (listed in the error schema), not the message.',
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
        tags: [
          { name: 'auth', description: 'Register, log in, the current employee, passwords' },
          {
            name: 'enquiries',
            description: 'The public form, the pool, claiming and working leads',
          },
          { name: 'enquiries (admin)', description: 'Every enquiry, assigning, CSV export' },
          { name: 'employees (admin)', description: 'Team management' },
          { name: 'reports (admin)', description: 'Pipeline figures' },
          { name: 'operations', description: 'Health and readiness probes' },
        ],
      },
    })

    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      // Plain-HTTP deployments (an intranet) would otherwise have the UI's own assets upgraded away.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiConfig: { persistAuthorization: true },
    })

    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'docs' },
)
