import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import ajvKeywords from 'ajv-keywords'
import type { FastifyRequest } from 'fastify'
import { ValidationError } from './errors.js'

/**
 * The JSON Schema validators. Bodies are checked as sent (a number is not a string), while
 * query strings and path parameters arrive as text and are coerced to the declared types.
 * Properties a schema does not declare are dropped, never stored.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: true,
    useDefaults: true,
    coerceTypes: false,
    allowUnionTypes: true,
    ...options,
  })
  addFormats.default(ajv, ['email', 'date-time', 'date', 'uri'])
  // `transform: ['trim']` normalizes text before length and format checks run.
  ajvKeywords.default(ajv, ['transform'])
  // Ajv's string-to-number coercion lets "Infinity" through as an integer, past minimum and maximum.
  ajv.addKeyword({
    keyword: 'finite',
    errors: false,
    // Deliberately not typed 'number': Ajv only runs number keywords on finite numbers.
    validate: (enabled: boolean, data: unknown) =>
      !enabled || typeof data !== 'number' || Number.isFinite(data),
  })
  return ajv
}

export const bodyAjv = createAjv()
export const textAjv = createAjv({ coerceTypes: true })

function findNul(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, item] of Object.entries(value)) {
    const found = findNul(item, [...path, key])
    if (found) return found
  }
  return undefined
}

/**
 * PostgreSQL text cannot hold a NUL character: refuse it in any body or query string field with a
 * 400 naming the field, instead of failing in the database.
 */
export async function rejectNulCharacters(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['body', request.body],
    ['querystring', request.query],
    ['params', request.params],
  ] as const) {
    const path = findNul(value, [])
    if (path) {
      const field = path.join('.') || part
      throw new ValidationError(`Validation failed: ${field} must not contain NUL characters`, [
        { field, message: 'must not contain NUL characters' },
      ])
    }
  }
}
