import { Type } from 'typebox'
import { auditActions } from '../../db/schema/index.js'
import { DateTime, Identity, Limit, ObjectIdString, Page } from '../../schemas.js'

export const AuditAction = Type.Enum([...auditActions])

export const AuditQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    action: Type.Optional(AuditAction),
    actorId: Type.Optional(ObjectIdString),
  },
  { additionalProperties: false },
)

export const AuditEntryView = Type.Object({
  ...Identity,
  action: AuditAction,
  actor: Type.Union(
    [Type.Object({ ...Identity, name: Type.String(), email: Type.String() }), Type.Null()],
    {
      description:
        'The employee who acted; null for the system (a command-line tool, a scheduled job)',
    },
  ),
  at: DateTime,
  details: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'What the action concerned: for an export its filters (a search text is not recorded) and row count; for a subject request the enquiry ids and, for an erasure, the reason; for an employee change the employee and the old and new values',
  }),
})

export const AuditListResponse = Type.Object({
  success: Type.Literal(true),
  count: Type.Integer(),
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  data: Type.Array(AuditEntryView),
})
