import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.js'
import { currentEmployee } from '../../plugins/auth.js'
import { responses } from '../../schemas.js'
import { LoginBody, LoginResponse, MeResponse, RegisterBody, RegisterResponse } from './schemas.js'
import { logIn, registerEmployee } from './service.js'

const authRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.post(
    '/register',
    {
      preHandler: app.identify,
      schema: {
        tags: ['auth'],
        summary: 'Register an employee',
        body: RegisterBody,
        response: responses({ 201: RegisterResponse }, [400, 401, 403, 409]),
      },
    },
    async (request, reply) => {
      const employee = await registerEmployee(app.db, config, request.body, request.employee)
      const { id, name, email, role, createdAt } = employee
      return reply.status(201).send({
        success: true,
        message: 'Employee registered successfully',
        data: {
          employee: { id, name, email, role, createdAt: createdAt.toISOString() },
          token: app.issueToken(employee),
        },
      })
    },
  )

  app.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in and receive a bearer token',
        body: LoginBody,
        response: responses({ 200: LoginResponse }, [400, 401, 403]),
      },
    },
    async (request) => {
      const employee = await logIn(app.db, request.body)
      const { id, name, email, role } = employee
      return {
        success: true as const,
        message: 'Login successful',
        data: { employee: { id, name, email, role }, token: app.issueToken(employee) },
      }
    },
  )

  app.get(
    '/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'The employee the token belongs to',
        security: [{ bearerAuth: [] }],
        response: responses({ 200: MeResponse }, [401]),
      },
    },
    async (request) => {
      const { id, name, email, role, isActive, lastLogin, createdAt } = currentEmployee(request)
      return {
        success: true as const,
        data: {
          employee: {
            id,
            name,
            email,
            role,
            isActive,
            lastLogin: lastLogin?.toISOString() ?? null,
            createdAt: createdAt.toISOString(),
          },
        },
      }
    },
  )
}

export default authRoutes
