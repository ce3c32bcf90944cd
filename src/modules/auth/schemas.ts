import { Type } from 'typebox'
import { DateTime, Email, ObjectIdString } from '../../schemas.js'

export const Role = Type.Enum(['counselor', 'admin'])

const Password = Type.String({ minLength: 8, maxLength: 128, examples: ['password123'] })

export const RegisterBody = Type.Object(
  {
    name: Type.String({
      minLength: 2,
      maxLength: 100,
      transform: ['trim'],
      examples: ['John Doe'],
    }),
    email: Email,
    password: Password,
    role: Type.Optional(Role),
  },
  { additionalProperties: false },
)

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
)

const EmployeeBase = {
  id: ObjectIdString,
  name: Type.String(),
  email: Type.String(),
  role: Role,
}

const Token = Type.String({ description: 'Bearer token (JWT, HS256)' })

export const RegisterResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({
    employee: Type.Object({ ...EmployeeBase, createdAt: DateTime }),
    token: Token,
  }),
})

export const LoginResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({ employee: Type.Object(EmployeeBase), token: Token }),
})

export const MeResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    employee: Type.Object({
      ...EmployeeBase,
      isActive: Type.Boolean(),
      available: Type.Boolean({ description: 'whether routing may give you new leads' }),
      maxOpenLeads: Type.Union([Type.Integer(), Type.Null()], {
        description: 'your cap on open leads, set by an admin; null: none',
      }),
      lastLogin: Type.Union([DateTime, Type.Null()]),
      createdAt: DateTime,
      notifications: Type.Object({
        email: Type.Boolean({ description: 'emails about their leads (docs/webhooks.md)' }),
      }),
    }),
  }),
})

export const UpdateMeBody = Type.Object(
  {
    available: Type.Optional(
      Type.Boolean({
        description: 'false: routing stops giving you new leads (holiday, training); true resumes',
      }),
    ),
    notifications: Type.Optional(
      Type.Object({ email: Type.Boolean() }, { additionalProperties: false, minProperties: 1 }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Password },
  { additionalProperties: false },
)

export const ChangePasswordResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({ token: Token }),
})
