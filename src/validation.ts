import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import ajvKeywords from 'ajv-keywords'
import type { FastifyRequest } from 'fastify'
import { validationFailed } from './errors.js'

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

/** How deeply objects and arrays may nest in a JSON body; no form of ours needs more than a few. */
const MAX_JSON_DEPTH = 64

const nulError = (field: string) =>
  validationFailed(`Validation failed: ${field} must not contain NUL characters`, [
    { field, message: 'must not contain NUL characters' },
  ])

/**
 * Checks a parsed JSON body in one pass with an explicit stack, so its cost grows with the body's
 * size and never with its depth: nesting deeper than MAX_JSON_DEPTH, or a NUL character in any
 * string (PostgreSQL text cannot hold one), is a 400 naming where.
 */
export function inspectJsonBody(body: unknown): void {
  // Each entry: a value, its depth, and the index of its parent entry with its key, so a field's
  // path is only built when one is reported.
  const values: unknown[] = [body]
  const depths: number[] = [0]
  const parents: number[] = [-1]
  const keys: string[] = ['']
  const pathOf = (index: number) => {
    const path: string[] = []
    for (let at = index; at > 0; at = parents[at] ?? 0) path.unshift(keys[at] ?? '')
    return path.join('.') || 'body'
  }
  const pending = [0]
  for (let index = pending.pop(); index !== undefined; index = pending.pop()) {
    const value = values[index]
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw nulError(pathOf(index))
      continue
    }
    if (value === null || typeof value !== 'object') continue
    const depth = (depths[index] ?? 0) + 1
    if (depth > MAX_JSON_DEPTH) {
      throw validationFailed(
        `Validation failed: body must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`,
        [{ field: 'body', message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` }],
      )
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw nulError(pathOf(index))
      pending.push(values.length)
      values.push(item)
      depths.push(depth)
      parents.push(index)
      keys.push(key)
    }
  }
}

/**
 * Query strings and path parameters arrive flat: refuse a NUL character with a 400 naming the
 * field, and PHP-style array keys (`priority[]=high`), which no route reads, instead of dropping
 * them silently.
 */
export async function checkQueryAndParams(request: FastifyRequest): Promise<void> {
  for (const part of [request.query, request.params]) {
    if (part === null || typeof part !== 'object') continue
    for (const [key, value] of Object.entries(part)) {
      if (key.includes('[')) {
        throw validationFailed(
          `Validation failed: ${key} is not supported: send the parameter once, without brackets`,
          [{ field: key, message: 'is not supported: send the parameter once, without brackets' }],
        )
      }
      const texts: unknown[] = Array.isArray(value) ? value : [value]
      if (texts.some((text) => typeof text === 'string' && text.includes('\u0000'))) {
        throw nulError(key)
      }
    }
  }
}
