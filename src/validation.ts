import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import ajvKeywords from 'ajv-keywords'

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
  return ajv
}

export const bodyAjv = createAjv()
export const textAjv = createAjv({ coerceTypes: true })
