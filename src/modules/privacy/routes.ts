import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { validationFailed } from '../../errors.js'
import { currentEmployee, forAdmins } from '../../plugins/auth.js'
import { responses } from '../../schemas.js'
import { toEnquiryDetailView } from '../enquiries/service.js'
import { EraseBody, EraseResponse, SubjectQuery, SubjectResponse } from './schemas.js'
import { type ConsentRecord, eraseSubject, exportSubject, type SubjectLookup } from './service.js'

const tags = ['privacy (admin)']
const security = [{ bearerAuth: [] }]

/** Exactly one of email and phone names the person; anything else is a 400 naming both. */
function lookupOf({ email, phone }: { email?: string | undefined; phone?: string | undefined }) {
  if (email !== undefined && phone === undefined) return { email } satisfies SubjectLookup
  if (phone !== undefined && email === undefined) return { phone } satisfies SubjectLookup
  const message = email === undefined ? 'send email or phone' : 'send email or phone, not both'
  throw validationFailed(`Validation failed: ${message}`, [
    { field: 'email', message },
    { field: 'phone', message },
  ])
}

const toConsentView = ({ enquiryId: _enquiry, givenAt, ...consent }: ConsentRecord) => ({
  ...consent,
  givenAt: givenAt.toISOString(),
})

/** Requests from a person about their data (GDPR articles 15 and 17); admins only, each audited. */
const privacyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/subject',
    {
      schema: {
        tags,
        summary: 'Everything held about a person, as one JSON file (admin)',
        description:
          'Every enquiry with this email, or with a phone of the same digits, with its notes, activity and consent records. Sent as an attachment; recorded in the audit log.',
        security,
        querystring: SubjectQuery,
        response: responses({ 200: SubjectResponse }, [400, 401, 403]),
      },
    },
    async (request, reply) => {
      const lookup = lookupOf(request.query)
      const enquiries = await exportSubject(app.db, lookup, currentEmployee(request))
      const generatedAt = new Date().toISOString()
      return reply
        .header(
          'content-disposition',
          `attachment; filename="subject-access-${generatedAt.slice(0, 10)}.json"`,
        )
        .send({
          success: true as const,
          data: {
            generatedAt,
            request: lookup,
            enquiries: enquiries.map((enquiry) => ({
              ...toEnquiryDetailView(enquiry),
              consents: enquiry.consents.map(toConsentView),
            })),
          },
        })
    },
  )

  app.post(
    '/erase',
    {
      schema: {
        tags,
        summary: 'Erase a person from every enquiry, keeping the statistics (admin)',
        description:
          'In one transaction, every enquiry with this email (or phone digits) has its name, email, phone, message and note texts replaced by "[erased]"; status, source, course, priority, owner and dates stay. Activity entries stay with their details scrubbed, plus an `erased` entry with the admin and the reason. A second call erases nothing (erased: 0). Recorded in the audit log.',
        security,
        body: EraseBody,
        response: responses({ 200: EraseResponse }, [400, 401, 403]),
      },
    },
    async (request) => {
      const { reason, ...identity } = request.body
      const { enquiryIds } = await eraseSubject(app.db, lookupOf(identity), {
        actor: currentEmployee(request),
        reason,
      })
      return {
        success: true as const,
        message:
          enquiryIds.length === 0
            ? 'Nothing left to erase'
            : `Erased ${enquiryIds.length} ${enquiryIds.length === 1 ? 'enquiry' : 'enquiries'}`,
        data: { erased: enquiryIds.length, enquiryIds },
      }
    },
  )
}

export default forAdmins(privacyRoutes)
