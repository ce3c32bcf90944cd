import { type TSchema, Type } from 'typebox'
import { errorCodeNames } from './error-codes.js'

/** Schema pieces shared by every route. */

const OBJECT_ID_PATTERN = '^[0-9a-f]{24}$'
export const PHONE_PATTERN = '^(?=(?:\\D*\\d){7,15}\\D*$)\\+?[0-9 ().-]+$'
/** A date or date-time filter in the years 1900 to 2999. */
export const DATE_YEAR_PATTERN = '^(19|2[0-9])[0-9]{2}-'
/** An http(s) address with a host and no spaces (webhook receivers). */
export const HTTP_URL_PATTERN = '^https?://[^\\s/?#]+[^\\s]*$'

/** Readable messages for pattern failures, instead of the regular expression itself. */
export const PATTERN_MESSAGES: Record<string, string> = {
  [OBJECT_ID_PATTERN]: 'must be a 24-character hexadecimal id',
  [DATE_YEAR_PATTERN]: 'must be a date (YYYY-MM-DD) or ISO 8601 date-time between 1900 and 2999',
  [PHONE_PATTERN]:
    'must have 7 to 15 digits (an optional leading +, spaces, dashes, dots and parentheses allowed)',
  [HTTP_URL_PATTERN]: 'must be an address that starts with http:// or https://, without spaces',
}

export const ObjectIdString = Type.String({
  pattern: OBJECT_ID_PATTERN,
  description: 'A 24-character hexadecimal id (MongoDB ObjectId format)',
  examples: ['6542abc123def456789abcde'],
})

/**
 * How a record names itself: `_id` as the seed's lists carry it, and `id` beside it (the same
 * value) for clients that read that.
 */
export const Identity = { _id: ObjectIdString, id: ObjectIdString }

export const withId = <T extends { _id: string }>(item: T): T & { id: string } => ({
  ...item,
  id: item._id,
})

export const IdParams = Type.Object({ id: ObjectIdString }, { additionalProperties: false })

export const DateTime = Type.String({ format: 'date-time' })

/** A whole number in a query string, within [minimum, maximum]. */
const QueryInteger = (options: { minimum: number; maximum: number; default: number }) =>
  Type.Integer({ ...options, finite: true })

export const Page = QueryInteger({ minimum: 1, maximum: 1_000_000, default: 1 })
export const Limit = QueryInteger({ minimum: 1, maximum: 100, default: 20 })

/** The seed's paged list envelope: `count` on this page, `total`, `page`, `pages`, then `data`. */
export function pagedResponse<Row, View>(
  result: { rows: Row[]; total: number; page: number },
  limit: number,
  toView: (row: Row) => View,
) {
  return {
    success: true as const,
    count: result.rows.length,
    total: result.total,
    page: result.page,
    pages: Math.ceil(result.total / limit),
    data: result.rows.map(toView),
  }
}

/** Trimmed, lowercased email address. */
export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  transform: ['trim', 'toLowerCase'],
  examples: ['john@example.com'],
})

export const FieldError = Type.Object({
  field: Type.String({ description: 'The offending field, as a dotted path (`notes.0.text`)' }),
  message: Type.String(),
  path: Type.String({ description: "The same as `field` (express-validator's name for it)" }),
  msg: Type.String({ description: "The same as `message` (express-validator's name for it)" }),
})

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    message: Type.String({ description: 'For people; may be reworded. Match on `code`.' }),
    code: Type.Enum(errorCodeNames, {
      description: 'Stable and machine-readable: see "Error codes" in docs/api.md',
    }),
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { description: 'Every failure: validation errors list one entry per offending field' },
)

/** The response schema map for a route: its success bodies plus the error body for each code. */
export function responses<T extends Record<number, TSchema>>(
  success: T,
  errorCodes: number[],
): T & Record<number, TSchema> {
  const errors = Object.fromEntries(errorCodes.map((code) => [code, ErrorResponse]))
  return { ...errors, ...success }
}
