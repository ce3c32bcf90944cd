import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { currentEmployee } from '../../plugins/auth.js'
import { IdParams, responses } from '../../schemas.js'
import { countLeadsByStatusOf, releaseLeadsOfDeactivated } from '../enquiries/service.js'
import { listEmployees } from './repository.js'
import {
  EmployeeDetailResponse,
  EmployeeListQuery,
  EmployeeListResponse,
  UpdateEmployeeBody,
  UpdateEmployeeResponse,
} from './schemas.js'
import {
  type EmployeeFields,
  getEmployee,
  toEmployeeFieldsView,
  updateEmployeeAsAdmin,
} from './service.js'

const toEmployeeView = (employee: EmployeeFields) => ({
  _id: employee.id,
  ...toEmployeeFieldsView(employee),
})

const security = [{ bearerAuth: [] }]
const tags = ['employees (admin)']

/** Team management; every route is admin-only. */
const employeeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // preValidation: after rate limiting (onRequest), before the input is validated, so that
  // callers who may not use a route never learn what it accepts.
  app.addHook('preValidation', app.requireAdmin)

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List employees with their open-lead counts',
        security,
        querystring: EmployeeListQuery,
        response: responses({ 200: EmployeeListResponse }, [400, 401, 403]),
      },
    },
    async (request) => {
      const { page, limit, ...filter } = request.query
      const { rows, total } = await listEmployees(app.db, filter, {
        offset: (page - 1) * limit,
        limit,
      })
      return {
        success: true as const,
        count: rows.length,
        total,
        page,
        pages: Math.ceil(total / limit),
        data: rows.map((row) => ({ ...toEmployeeView(row), openLeads: row.openLeads })),
      }
    },
  )

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One employee and how many enquiries they hold per status',
        security,
        params: IdParams,
        response: responses({ 200: EmployeeDetailResponse }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const employee = await getEmployee(app.db, request.params.id)
      const enquiryCounts = await countLeadsByStatusOf(app.db, employee.id)
      return { success: true as const, data: { ...toEmployeeView(employee), enquiryCounts } }
    },
  )

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Rename, change the role of, deactivate or reactivate an employee',
        description:
          'Deactivating logs the employee out everywhere and returns their open enquiries to the pool.',
        security,
        params: IdParams,
        body: UpdateEmployeeBody,
        response: responses({ 200: UpdateEmployeeResponse }, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const actor = currentEmployee(request)
      const employee = await updateEmployeeAsAdmin(
        app.db,
        request.params.id,
        request.body,
        actor,
        (tx, deactivated) => releaseLeadsOfDeactivated(tx, deactivated, actor),
      )
      app.forgetCaller(employee.id)
      return { success: true as const, message: 'Employee updated', data: toEmployeeView(employee) }
    },
  )
}

export default employeeRoutes
