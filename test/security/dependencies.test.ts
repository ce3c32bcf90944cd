import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)

/** The version actually installed, resolved the way the package that uses it resolves it. */
function installedVersion(name: string, from?: string): string {
  const resolver = from ? createRequire(require.resolve(`${from}/package.json`)) : require
  let dir = dirname(resolver.resolve(name))
  while (!dir.endsWith(join('node_modules', ...name.split('/')))) dir = dirname(dir)
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version
}

const atLeast = (version: string, minimum: string) => {
  const [a, b] = [version, minimum].map((v) => v.split('-')[0]?.split('.').map(Number) ?? [])
  for (let i = 0; i < 3; i++) {
    const difference = (a?.[i] ?? 0) - (b?.[i] ?? 0)
    if (difference !== 0) return difference > 0
  }
  return true
}

describe('dependencies', () => {
  test('Fastify and its security-relevant plugins are at versions with the 2026 advisories fixed', () => {
    const minimums: [string, string, string?][] = [
      ['fastify', '5.12.1'],
      ['@fastify/rate-limit', '11.2.0'],
      ['fast-jwt', '6.3.1', '@fastify/jwt'],
    ]
    for (const [name, minimum, from] of minimums) {
      const version = installedVersion(name, from)
      assert.ok(atLeast(version, minimum), `${name} ${version} < ${minimum}`)
    }
  })
})
