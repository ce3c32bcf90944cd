import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.js'
import type { Employee } from '../../db/schema/index.js'
import { currentEmployee, forEmployees } from '../../plugins/auth.js'
import { byIp } from '../../plugins/security.js'
import { responses } from '../../schemas.js'
import { createLockout } from './lockout.js'
import {
  ChangePasswordBody,
  ChangePasswordResponse,
  LoginBody,
  LoginResponse,
  MeResponse,
  RegisterBody,
  RegisterResponse,
  UpdateMeBody,
} from './schemas.js'
import {
  changePassword,
  logIn,
  registerEmployee,
  toEmployeeFieldsView,
  updateMe,
} from './service.js'

const toMeView = (employee: Employee) => ({
  ...toEmployeeFieldsView(employee),
  notifications: { email: employee.emailNotifications },
})

const authRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const lockoutFor = (scope: string) =>
    createLockout(
      { ...config.loginLockout, keyPrefix: config.redisKeyPrefix, scope },
      app.redis,
      (error) =>
        app.log.error(
          { err: error },
          `${scope} lockout: Redis unavailable, counting in this process`,
        ),
    )
  const loginLockout = lockoutFor('login')
  const passwordChangeLockout = lockoutFor('password-change')
  // Register and login: a stricter limit per client address than the rest of the API.
  const authRateLimit = {
    rateLimit: {
      max: config.rateLimit.authMax,
      timeWindow: config.rateLimit.windowMs,
      keyGenerator: byIp,
    },
  }

  app.post(
    '/register',
    {
      config: authRateLimit,
      preValidation: app.identify,
      schema: {
        tags: ['auth'],
        summary: 'Register an employee',
        body: RegisterBody,
        response: responses({ 201: RegisterResponse }, [400, 401, 403, 409, 429]),
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
      config: authRateLimit,
      schema: {
        tags: ['auth'],
        summary: 'Log in and receive a bearer token',
        body: LoginBody,
        response: responses({ 200: LoginResponse }, [400, 401, 403, 429]),
      },
    },
    async (request) => {
      const employee = await logIn(app.db, loginLockout, request.body, request.ip)
      const { id, name, email, role } = employee
      return {
        success: true as const,
        message: 'Login successful',
        data: { employee: { id, name, email, role }, token: app.issueToken(employee) },
      }
    },
  )

  await app.register(
    forEmployees(async (app) => {
      app.get(
        '/me',
        {
          schema: {
            tags: ['auth'],
            summary: 'The employee the token belongs to',
            security: [{ bearerAuth: [] }],
            response: responses({ 200: MeResponse }, [401]),
          },
        },
        async (request) => ({
          success: true as const,
          data: { employee: toMeView(currentEmployee(request)) },
        }),
      )

      app.patch(
        '/me',
        {
          schema: {
            tags: ['auth'],
            summary: 'Change your own settings: available for routed leads, email notifications',
            security: [{ bearerAuth: [] }],
            body: UpdateMeBody,
            response: responses({ 200: MeResponse }, [400, 401]),
          },
        },
        async (request) => {
          const { id } = currentEmployee(request)
          const employee = await updateMe(app.db, id, request.body)
          app.forgetCaller(id)
          return { success: true as const, data: { employee: toMeView(employee) } }
        },
      )

      app.put(
        '/password',
        {
          schema: {
            tags: ['auth'],
            summary: 'Change your password; every token issued before stops working',
            security: [{ bearerAuth: [] }],
            body: ChangePasswordBody,
            response: responses({ 200: ChangePasswordResponse }, [400, 401, 429]),
          },
        },
        async (request) => {
          const employee = await changePassword(
            app.db,
            passwordChangeLockout,
            currentEmployee(request).id,
            request.body,
            request.ip,
          )
          app.forgetCaller(employee.id)
          return {
            success: true as const,
            message: 'Password changed: other sessions have been logged out',
            data: { token: app.issueToken(employee) },
          }
        },
      )
    }),
  )
}

export default authRoutes
