import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { getTableName } from 'drizzle-orm'
import { Type } from 'typebox'
import type { Config } from '../../config.js'
import { appSettings, routingRosterVersion, routingRules } from '../../db/schema/index.js'
import { currentEmployee, forAdmins, forEmployees } from '../../plugins/auth.js'
import { byIp } from '../../plugins/security.js'
import { IdParams, responses } from '../../schemas.js'
import { recordAudit } from '../audit/service.js'
import { findRoster, listActiveRules } from '../routing/service.js'
import { getSlaSettings } from '../sla/service.js'
import { enquiriesCsv } from './export.js'
import {
  type Automation,
  actOnFirstContactDeadline,
  FIRST_CONTACT_DEADLINE,
  FIRST_CONTACT_WARNING,
  warnOfFirstContactDeadline,
} from './first-contact.js'
import { FOLLOW_UP_DUE, followUpFallsDue, listFollowUpPage, setFollowUp } from './follow-ups.js'
import type { ClockJob, FollowUpJob } from './repository.js'
import {
  AddNoteBody,
  AdminListQuery,
  AssignBody,
  EnquiryDetailResponse,
  EnquiryResponse,
  ExportQuery,
  FollowUpBody,
  FollowUpQuery,
  ListResponse,
  MyEnquiriesQuery,
  PoolQuery,
  SubmitEnquiryBody,
  SubmitEnquiryResponse,
  UpdateStatusBody,
} from './schemas.js'
import {
  addNote,
  assignEnquiry,
  changeStatus,
  claimEnquiry,
  getEnquiryDetail,
  listEnquiryPage,
  releaseEnquiry,
  submitEnquiry,
  toEnquiryFilter,
} from './service.js'
import { toEnquiryDetailView, toEnquiryView, toListResponse } from './views.js'

/**
 * An export's filters as the audit log keeps them: a search text may be a person's name or email,
 * which an erasure could not reach there, so only its presence is recorded.
 */
const auditedFilters = ({ q, ...filters }: Record<string, string | undefined>) =>
  q === undefined ? filters : { ...filters, q: '[not recorded]' }

const bearer = [{ bearerAuth: [] }]
const tags = ['enquiries']
const adminTags = ['enquiries (admin)']

const enquiryRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const consentPolicy = {
    required: config.privacy.consentRequired,
    noticeVersion: config.privacy.noticeVersion,
  }
  // Read on every submission and claim: kept until an instance changes them (config-cache).
  const automation: Automation = {
    send: app.jobs.send.bind(app.jobs),
    activeRules: () =>
      app.configCache.read(getTableName(routingRules), 'active', () => listActiveRules(app.db)),
    slaSettings: () =>
      app.configCache.read(getTableName(appSettings), 'sla', () => getSlaSettings(app.db)),
    roster: (ruleId) =>
      app.configCache.read(getTableName(routingRosterVersion), ruleId, () =>
        findRoster(app.db, ruleId),
      ),
    forgetRosters: () => app.configCache.forget(getTableName(routingRosterVersion)),
  }
  // First-contact deadlines and warnings: durable jobs, run by whichever instance picks them up.
  await app.jobs.define<ClockJob>(FIRST_CONTACT_DEADLINE, (job) =>
    actOnFirstContactDeadline(app.db, automation, job),
  )
  await app.jobs.define<ClockJob>(FIRST_CONTACT_WARNING, (job) =>
    warnOfFirstContactDeadline(app.db, job),
  )
  await app.jobs.define<FollowUpJob>(FOLLOW_UP_DUE, (job) => followUpFallsDue(app.db, job))

  app.post(
    '/',
    {
      // The public form gets its own, stricter limit per client address.
      config: {
        rateLimit: {
          max: config.rateLimit.enquiryMax,
          timeWindow: config.rateLimit.windowMs,
          keyGenerator: byIp,
        },
      },
      schema: {
        tags,
        summary: 'Submit the public enquiry form (no token)',
        body: SubmitEnquiryBody,
        response: responses({ 201: SubmitEnquiryResponse }, [400, 429]),
      },
    },
    async (request, reply) => {
      const { id, submittedAt, created } = await submitEnquiry(
        app.db,
        request.body,
        automation,
        consentPolicy,
      )
      if (created) app.metrics.enquiriesCreated.inc()
      const { name, email, courseInterest } = request.body
      return reply.status(201).send({
        success: true,
        message: 'Enquiry submitted successfully. Our team will contact you soon!',
        data: { id, name, email, courseInterest, submittedAt: submittedAt.toISOString() },
      })
    },
  )

  // Any logged-in employee.
  await app.register(
    forEmployees(async (app) => {
      app.get(
        '/unclaimed',
        {
          schema: {
            tags,
            summary: 'The shared pool: unclaimed enquiries',
            security: bearer,
            querystring: PoolQuery,
            response: responses({ 200: ListResponse }, [400, 401]),
          },
        },
        async (request) => {
          const { page, limit, cursor, sort, ...filter } = request.query
          const result = await listEnquiryPage(app.db, { ...filter, status: 'unclaimed' }, sort, {
            page,
            limit,
            cursor,
          })
          return toListResponse(result, limit)
        },
      )

      app.get(
        '/my-enquiries',
        {
          schema: {
            tags,
            summary: "The caller's claimed enquiries, most recently claimed first",
            security: bearer,
            querystring: MyEnquiriesQuery,
            response: responses({ 200: ListResponse }, [400, 401]),
          },
        },
        async (request) => {
          const { page, limit, status } = request.query
          const filter = { claimedBy: currentEmployee(request).id, ...(status ? { status } : {}) }
          const result = await listEnquiryPage(app.db, filter, 'recentlyClaimed', { page, limit })
          return toListResponse(result, limit)
        },
      )

      app.get(
        '/:id',
        {
          schema: {
            tags,
            summary: 'One enquiry with its notes and activity history',
            security: bearer,
            params: IdParams,
            response: responses({ 200: EnquiryDetailResponse }, [400, 401, 403, 404]),
          },
        },
        async (request) => {
          const detail = await getEnquiryDetail(app.db, request.params.id, currentEmployee(request))
          return { success: true as const, data: toEnquiryDetailView(detail) }
        },
      )

      app.post(
        '/:id/claim',
        {
          schema: {
            tags,
            summary: 'Claim an unclaimed enquiry (exactly one of simultaneous claims wins)',
            security: bearer,
            params: IdParams,
            response: responses({ 200: EnquiryResponse }, [400, 401, 404, 409]),
          },
        },
        async (request) => {
          const enquiry = await claimEnquiry(
            app.db,
            request.params.id,
            currentEmployee(request),
            automation,
          )
          app.metrics.enquiriesClaimed.inc()
          return {
            success: true as const,
            message: 'Enquiry claimed successfully',
            data: toEnquiryView(enquiry),
          }
        },
      )

      app.put(
        '/:id/status',
        {
          schema: {
            tags,
            summary: 'Move an enquiry to contacted, converted or lost',
            security: bearer,
            params: IdParams,
            body: UpdateStatusBody,
            response: responses({ 200: EnquiryResponse }, [400, 401, 403, 404, 409]),
          },
        },
        async (request) => {
          const enquiry = await changeStatus(
            app.db,
            request.params.id,
            request.body.status,
            currentEmployee(request),
          )
          return {
            success: true as const,
            message: 'Enquiry status updated',
            data: toEnquiryView(enquiry),
          }
        },
      )

      app.post(
        '/:id/notes',
        {
          schema: {
            tags,
            summary: 'Add a note to an enquiry',
            security: bearer,
            params: IdParams,
            body: AddNoteBody,
            response: responses({ 201: EnquiryDetailResponse }, [400, 401, 403, 404]),
          },
        },
        async (request, reply) => {
          const detail = await addNote(
            app.db,
            request.params.id,
            request.body.text,
            currentEmployee(request),
          )
          return reply
            .status(201)
            .send({ success: true, message: 'Note added', data: toEnquiryDetailView(detail) })
        },
      )

      app.get(
        '/follow-ups',
        {
          schema: {
            tags,
            summary: 'Your follow-ups, soonest first (admins: everyone’s, or claimedBy’s)',
            security: bearer,
            querystring: FollowUpQuery,
            response: responses({ 200: ListResponse }, [400, 401, 403]),
          },
        },
        async (request) => {
          const { page, limit, ...query } = request.query
          const result = await listFollowUpPage(
            app.db,
            query,
            { page, limit },
            currentEmployee(request),
          )
          return toListResponse({ ...result, page }, limit)
        },
      )

      app.put(
        '/:id/follow-up',
        {
          schema: {
            tags,
            summary: 'Set when to follow up on a lead (its owner or an admin)',
            security: bearer,
            params: IdParams,
            body: FollowUpBody,
            response: responses({ 200: EnquiryResponse }, [400, 401, 403, 404, 409]),
          },
        },
        async (request) => {
          const { id } = request.params
          const { at, note } = request.body
          const followUp = { at: new Date(at), note: note ?? null }
          const actor = currentEmployee(request)
          const enquiry = await setFollowUp(app.db, app.jobs, id, followUp, actor)
          return { success: true as const, message: 'Follow-up set', data: toEnquiryView(enquiry) }
        },
      )

      app.delete(
        '/:id/follow-up',
        {
          schema: {
            tags,
            summary: 'Clear the lead’s follow-up (its owner or an admin)',
            security: bearer,
            params: IdParams,
            response: responses({ 200: EnquiryResponse }, [400, 401, 403, 404, 409]),
          },
        },
        async (request) => {
          const { id } = request.params
          const enquiry = await setFollowUp(app.db, app.jobs, id, null, currentEmployee(request))
          return {
            success: true as const,
            message: 'Follow-up cleared',
            data: toEnquiryView(enquiry),
          }
        },
      )

      app.post(
        '/:id/release',
        {
          schema: {
            tags,
            summary: 'Give a claimed enquiry back to the pool',
            security: bearer,
            params: IdParams,
            response: responses({ 200: EnquiryResponse }, [400, 401, 403, 404, 409]),
          },
        },
        async (request) => {
          const enquiry = await releaseEnquiry(app.db, request.params.id, currentEmployee(request))
          return {
            success: true as const,
            message: 'Enquiry released to the pool',
            data: toEnquiryView(enquiry),
          }
        },
      )
    }),
  )

  // Admins only.
  await app.register(
    forAdmins(async (app) => {
      app.get(
        '/',
        {
          schema: {
            tags: adminTags,
            summary: 'Every enquiry, filtered (admin)',
            security: bearer,
            querystring: AdminListQuery,
            response: responses({ 200: ListResponse }, [400, 401, 403]),
          },
        },
        async (request) => {
          const { page, limit, cursor, sort, ...filter } = request.query
          const result = await listEnquiryPage(app.db, toEnquiryFilter(filter), sort, {
            page,
            limit,
            cursor,
          })
          return toListResponse(result, limit)
        },
      )

      app.get(
        '/export',
        {
          schema: {
            tags: adminTags,
            summary: 'Every matching enquiry as CSV (admin)',
            description:
              'RFC 4180, UTF-8, with a header row; same filters as the admin list. Cells starting with =, +, -, @, tab or carriage return get a leading single quote.',
            security: bearer,
            querystring: ExportQuery,
            produces: ['text/csv'],
            response: responses({ 200: Type.String({ description: 'text/csv' }) }, [400, 401, 403]),
          },
        },
        async (request, reply) => {
          const { format: _csv, ...filter } = request.query
          const actor = currentEmployee(request)
          const day = new Date().toISOString().slice(0, 10)
          const csv = enquiriesCsv(app.db, toEnquiryFilter(filter), ({ rows, complete }) =>
            recordAudit(app.db, {
              action: 'enquiries.exported',
              actorId: actor.id,
              details: { filters: auditedFilters(filter), rows, complete },
            }),
          )
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="enquiries-${day}.csv"`)
            .send(csv)
        },
      )

      app.post(
        '/:id/assign',
        {
          schema: {
            tags: adminTags,
            summary: 'Give an enquiry to an employee, from the pool or from another owner (admin)',
            security: bearer,
            params: IdParams,
            body: AssignBody,
            response: responses({ 200: EnquiryResponse }, [400, 401, 403, 404, 409]),
          },
        },
        async (request) => {
          const { id } = request.params
          const enquiry = await assignEnquiry(
            app.db,
            id,
            request.body.employeeId,
            currentEmployee(request),
            automation,
          )
          return {
            success: true as const,
            message: 'Enquiry assigned',
            data: toEnquiryView(enquiry),
          }
        },
      )
    }),
  )
}

export default enquiryRoutes
