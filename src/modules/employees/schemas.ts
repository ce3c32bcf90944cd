import { Type } from 'typebox'
import { DateTime, Identity, Limit, Page } from '../../schemas.js'
import { Role } from '../auth/schemas.js'

const MaxOpenLeads = Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()], {
  description:
    'at most this many open (claimed or contacted) leads through claims and routing; null: no cap',
})

export const EmployeeListQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    role: Type.Optional(Role),
    isActive: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)

const EmployeeFields = {
  ...Identity,
  name: Type.String(),
  email: Type.String(),
  role: Role,
  isActive: Type.Boolean(),
  lastLogin: Type.Union([DateTime, Type.Null()]),
  available: Type.Boolean({ description: 'whether routing may give them new leads' }),
  maxOpenLeads: MaxOpenLeads,
  createdAt: DateTime,
}

const EmployeeView = Type.Object(EmployeeFields)

export const EmployeeListResponse = Type.Object({
  success: Type.Literal(true),
  count: Type.Integer(),
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  data: Type.Array(
    Type.Object({
      ...EmployeeFields,
      openLeads: Type.Integer({ description: 'enquiries they hold that are claimed or contacted' }),
    }),
  ),
})

export const EmployeeDetailResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    ...EmployeeFields,
    enquiryCounts: Type.Object({
      claimed: Type.Integer(),
      contacted: Type.Integer(),
      converted: Type.Integer(),
      lost: Type.Integer(),
    }),
  }),
})

export const UpdateEmployeeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 100, transform: ['trim'] })),
    role: Type.Optional(Role),
    isActive: Type.Optional(Type.Boolean()),
    maxOpenLeads: Type.Optional(MaxOpenLeads),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const UpdateEmployeeResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: EmployeeView,
})
