import { Type } from 'typebox'
import { DateTime, Email, ObjectIdString, PHONE_PATTERN } from '../../schemas.js'
import { EnquiryDetailView } from '../enquiries/schemas.js'

const Phone = Type.String({
  pattern: PHONE_PATTERN,
  maxLength: 40,
  transform: ['trim'],
  description: 'Compared by its digits, as the form’s duplicate check does',
})

const lookupFields = {
  email: Type.Optional(Email),
  phone: Type.Optional(Phone),
}

export const SubjectQuery = Type.Object(lookupFields, {
  additionalProperties: false,
  description: 'Exactly one of email and phone',
})

export const EraseBody = Type.Object(
  {
    ...lookupFields,
    reason: Type.String({
      minLength: 3,
      maxLength: 500,
      transform: ['trim'],
      description:
        'Why (e.g. "request by email of 3 March"): kept in the audit log and the activity, so it must not hold the person’s own details',
    }),
  },
  { additionalProperties: false, description: 'Exactly one of email and phone, and a reason' },
)

export const ConsentView = Type.Object({
  privacyNotice: Type.Boolean(),
  marketing: Type.Boolean(),
  noticeVersion: Type.Union([Type.String(), Type.Null()]),
  givenAt: DateTime,
})

export const SubjectResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    generatedAt: DateTime,
    request: Type.Object({
      email: Type.Optional(Type.String()),
      phone: Type.Optional(Type.String()),
    }),
    enquiries: Type.Array(
      Type.Object({ ...EnquiryDetailView.properties, consents: Type.Array(ConsentView) }),
    ),
  }),
})

export const EraseResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({
    erased: Type.Integer({ description: 'How many enquiries were erased now (0: nothing left)' }),
    enquiryIds: Type.Array(ObjectIdString),
  }),
})
