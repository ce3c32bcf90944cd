import { Type } from 'typebox'
import { routingStrategies } from '../../db/schema/index.js'
import { DateTime, Identity, ObjectIdString } from '../../schemas.js'
import { Priority, Source } from '../enquiries/schemas.js'

const Strategy = Type.Enum([...routingStrategies], {
  description:
    'round_robin: the next eligible counselor after the one the rule chose last; least_loaded: the eligible counselor with the fewest open leads (ties: the rotation); pool: leave it in the pool',
})

const Match = Type.Object(
  {
    sources: Type.Optional(Type.Array(Source, { uniqueItems: true, maxItems: 20 })),
    priorities: Type.Optional(Type.Array(Priority, { uniqueItems: true, maxItems: 3 })),
    courses: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100, transform: ['trim'] }), {
        maxItems: 100,
        description: 'compared case-insensitively',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Which new enquiries the rule takes; an empty or missing list matches anything',
  },
)

const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: 100, transform: ['trim'] }),
  position: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    description: 'rules are tried in ascending position',
  }),
  active: Type.Boolean(),
  match: Match,
  strategy: Strategy,
  counselorIds: Type.Array(ObjectIdString, {
    uniqueItems: true,
    maxItems: 200,
    description: 'active counselors, in rotation order',
  }),
}

export const CreateRuleBody = Type.Object(
  {
    ...RuleFields,
    active: Type.Optional(RuleFields.active),
    match: Type.Optional(Match),
    counselorIds: Type.Optional(RuleFields.counselorIds),
  },
  { additionalProperties: false },
)

export const UpdateRuleBody = Type.Object(
  {
    name: Type.Optional(RuleFields.name),
    position: Type.Optional(RuleFields.position),
    active: Type.Optional(RuleFields.active),
    match: Type.Optional(Match),
    strategy: Type.Optional(Strategy),
    counselorIds: Type.Optional(RuleFields.counselorIds),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const RuleView = Type.Object({
  ...Identity,
  ...RuleFields,
  lastAssignedId: Type.Union([ObjectIdString, Type.Null()], {
    description:
      'least_loaded: the counselor the rule chose last (ties go to the next); round_robin rules count turns instead',
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
})

export const RuleResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.Optional(Type.String()),
  data: RuleView,
})

export const RuleListResponse = Type.Object({
  success: Type.Literal(true),
  count: Type.Integer(),
  data: Type.Array(RuleView),
})

export const DeletedResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
})
