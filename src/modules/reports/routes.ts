import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { enquiryPriorities, enquirySources, enquiryStatuses } from '../../db/schema/index.js'
import { forAdmins } from '../../plugins/auth.js'
import { DateTime, Identity, responses, withId } from '../../schemas.js'
import { AdminFilterFields } from '../enquiries/schemas.js'
import { toEnquiryFilter } from '../enquiries/service.js'
import { DAYS, summarize, unprefix } from './repository.js'

const countsOf = (values: readonly string[]) =>
  Type.Object(Object.fromEntries(values.map((value) => [value, Type.Integer()])))

const StatsQuery = Type.Object(
  { from: AdminFilterFields.from, to: AdminFilterFields.to },
  { additionalProperties: false },
)

const NullableNumber = Type.Union([Type.Number(), Type.Null()])

const FirstContactFigures = Type.Object(
  {
    medianSeconds: NullableNumber,
    p90Seconds: NullableNumber,
    met: Type.Integer({ description: 'first contacted by the deadline' }),
    missed: Type.Integer({ description: 'deadline passed first (breached, or contacted late)' }),
    slaMetRate: Type.Union([Type.Number(), Type.Null()], {
      description: 'met ÷ (met + missed), 0–1; null when no SLA deadline was decided yet',
    }),
  },
  {
    description:
      'time from the owner’s claim to the first status change away from claimed, and the first-contact SLA',
  },
)

/** The figures for one owner (or, without one, everybody). */
function firstContactOf(
  figures: Awaited<ReturnType<typeof summarize>>['firstContact'],
  ownerId?: string,
) {
  const rows = figures.contactRows.filter((row) => ownerId === undefined || row.ownerId === ownerId)
  const missedRecorded = figures.missedRows
    .filter((row) => ownerId === undefined || row.ownerId === ownerId)
    .reduce((sum, row) => sum + row.missed, 0)
  const met = rows.reduce((sum, row) => sum + row.met, 0)
  const missed = missedRecorded + rows.reduce((sum, row) => sum + row.lateUnrecorded, 0)
  const own = ownerId === undefined ? figures.overall : rows[0]
  return {
    medianSeconds: own?.medianSeconds ?? null,
    p90Seconds: own?.p90Seconds ?? null,
    met,
    missed,
    slaMetRate: met + missed === 0 ? null : Math.round((met / (met + missed)) * 10_000) / 10_000,
  }
}

const StatsResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    byStatus: countsOf(enquiryStatuses),
    bySource: countsOf(enquirySources),
    byPriority: countsOf(enquiryPriorities),
    byCourse: Type.Array(Type.Object({ courseInterest: Type.String(), count: Type.Integer() })),
    counselors: Type.Array(
      Type.Object({
        ...Identity,
        name: Type.String(),
        claimed: Type.Integer(),
        contacted: Type.Integer(),
        converted: Type.Integer(),
        lost: Type.Integer(),
        conversionRate: Type.Number({ description: 'converted ÷ every lead they hold, 0–1' }),
        openLeads: Type.Integer({ description: 'claimed + contacted: the leads they are working' }),
        firstContact: FirstContactFigures,
        medianSecondsToClaim: Type.Union([Type.Number(), Type.Null()], {
          description:
            'median seconds from an enquiry’s creation to their first claim or assignment of it; null when they took none',
        }),
      }),
    ),
    funnel: Type.Object({
      submitted: Type.Integer(),
      claimed: Type.Integer({
        description: 'taken by someone at least once and not back in the pool',
      }),
      contacted: Type.Integer({
        description: 'reached contacted (including those converted or lost after)',
      }),
      converted: Type.Integer(),
    }),
    timeToClaim: Type.Object({
      medianSeconds: Type.Union([Type.Number(), Type.Null()]),
      p90Seconds: Type.Union([Type.Number(), Type.Null()]),
    }),
    firstContact: FirstContactFigures,
    byRule: Type.Array(
      Type.Object({
        ruleId: Type.String(),
        name: Type.String({ description: 'the rule’s name when it routed' }),
        routed: Type.Integer({ description: 'leads it assigned' }),
      }),
    ),
    oldestUnclaimedAt: Type.Union([DateTime, Type.Null()]),
    byDay: Type.Array(
      Type.Object({ date: Type.String({ format: 'date' }), count: Type.Integer() }),
      {
        minItems: DAYS,
        maxItems: DAYS,
        description: `enquiries created on each of the last ${DAYS} UTC days, today last; days with none count 0`,
      },
    ),
  }),
})

const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/stats',
    {
      schema: {
        tags: ['reports (admin)'],
        summary: 'Pipeline figures for enquiries created in [from, to]',
        security: [{ bearerAuth: [] }],
        querystring: StatsQuery,
        response: responses({ 200: StatsResponse }, [400, 401, 403]),
      },
    },
    async (request) => {
      const { totals, byCourse, counselors, byDay, firstContact, byRule } = await summarize(
        app.db,
        toEnquiryFilter(request.query),
      )
      const row: Record<string, unknown> = totals ?? {}
      const byStatus = unprefix(row, 'status_', enquiryStatuses)
      const oldest = totals?.oldestUnclaimedAt
      return {
        success: true as const,
        data: {
          byStatus,
          bySource: unprefix(row, 'source_', enquirySources),
          byPriority: unprefix(row, 'priority_', enquiryPriorities),
          byCourse,
          counselors: counselors.map((counselor) => ({
            ...withId(counselor),
            firstContact: firstContactOf(firstContact, counselor._id),
          })),
          firstContact: firstContactOf(firstContact),
          byRule,
          funnel: {
            submitted: totals?.submitted ?? 0,
            claimed: totals?.taken ?? 0,
            contacted: totals?.contacted ?? 0,
            converted: byStatus.converted,
          },
          timeToClaim: {
            medianSeconds: totals?.medianSeconds ?? null,
            p90Seconds: totals?.p90Seconds ?? null,
          },
          oldestUnclaimedAt: oldest ? new Date(oldest).toISOString() : null,
          byDay,
        },
      }
    },
  )
}

export default forAdmins(reportRoutes)
