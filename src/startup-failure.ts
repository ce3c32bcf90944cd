import { ConfigError } from './config.js'

/** A start-up failure an operator can fix, told in one line (printed without a stack). */
export class StartupError extends Error {
  override name = 'StartupError'
}

/** The one line to print for a failure an operator can fix; undefined for anything else. */
export function oneLineMessage(error: unknown): string | undefined {
  return error instanceof ConfigError || error instanceof StartupError ? error.message : undefined
}
