import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { routingRules } from '../../db/schema/index.js'
import { currentEmployee, forAdmins } from '../../plugins/auth.js'
import { forgetAfterChanges } from '../../plugins/config-cache.js'
import { IdParams, responses } from '../../schemas.js'
import {
  CreateRuleBody,
  DeletedResponse,
  RuleListResponse,
  RuleResponse,
  UpdateRuleBody,
} from './schemas.js'
import {
  createRoutingRule,
  deleteRoutingRule,
  getRoutingRule,
  listRoutingRules,
  type RoutingRule,
  updateRoutingRule,
} from './service.js'

const toRuleView = (rule: RoutingRule) => ({
  _id: rule.id,
  id: rule.id,
  name: rule.name,
  position: rule.position,
  active: rule.active,
  match: rule.match,
  strategy: rule.strategy,
  counselorIds: rule.counselorIds,
  lastAssignedId: rule.lastAssignedId,
  createdAt: rule.createdAt.toISOString(),
  updatedAt: rule.updatedAt.toISOString(),
})

const security = [{ bearerAuth: [] }]
const tags = ['routing rules (admin)']

/** Routing rules: which counselor a new enquiry goes to. Admin-only. */
const routingRoutes: FastifyPluginAsyncTypebox = forAdmins(async (app) => {
  forgetAfterChanges(app, routingRules)
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Every routing rule, in the order they are tried',
        security,
        response: responses({ 200: RuleListResponse }, [401, 403]),
      },
    },
    async () => {
      const rules = await listRoutingRules(app.db)
      return { success: true as const, count: rules.length, data: rules.map(toRuleView) }
    },
  )

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Add a routing rule',
        security,
        body: CreateRuleBody,
        response: responses({ 201: RuleResponse }, [400, 401, 403]),
      },
    },
    async (request, reply) => {
      const { match, active, counselorIds, ...rest } = request.body
      const rule = await createRoutingRule(
        app.db,
        {
          ...rest,
          active: active ?? true,
          match: match ?? {},
          counselorIds: counselorIds ?? [],
        },
        currentEmployee(request).id,
      )
      return reply
        .status(201)
        .send({ success: true as const, message: 'Routing rule created', data: toRuleView(rule) })
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One routing rule',
        security,
        params: IdParams,
        response: responses({ 200: RuleResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => ({
      success: true as const,
      data: toRuleView(await getRoutingRule(app.db, request.params.id)),
    }),
  )

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Change a routing rule (its rotation continues where it was)',
        security,
        params: IdParams,
        body: UpdateRuleBody,
        response: responses({ 200: RuleResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const rule = await updateRoutingRule(
        app.db,
        request.params.id,
        request.body,
        currentEmployee(request).id,
      )
      return { success: true as const, message: 'Routing rule updated', data: toRuleView(rule) }
    },
  )

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Remove a routing rule',
        security,
        params: IdParams,
        response: responses({ 200: DeletedResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      await deleteRoutingRule(app.db, request.params.id, currentEmployee(request).id)
      return { success: true as const, message: 'Routing rule deleted' }
    },
  )
})

export default routingRoutes
