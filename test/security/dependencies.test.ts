import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import semver from 'semver'

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

  test('every package npm ci installs runs on each Node.js line we support (20, 22 and 24)', () => {
    const root = join(import.meta.dirname, '..', '..')
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      engines: { node: string }
    }
    // The oldest release of each supported line that our own engines range admits.
    const supported = ['20.19.0', '22.13.0', '24.0.0']
    for (const version of supported) {
      assert.ok(semver.satisfies(version, manifest.engines.node), `engines admits ${version}`)
    }
    assert.ok(!semver.satisfies('18.20.0', manifest.engines.node), 'engines excludes Node 18')
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { version?: string; engines?: { node?: string }; os?: string[]; cpu?: string[] }
      >
    }
    // pg-boss 12 declares Node 22.12 for CommonJS callers (require of ESM); we import it as ESM,
    // and its suite (test/jobs.test.ts and every queue user) runs on Node 20 too. Known, accepted:
    // see docs/decisions/job-queue.md. Drop this when Node 20 leaves engines.
    const accepted = new Set(['node_modules/pg-boss on 20.19.0'])
    const refusing: string[] = []
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node
      // Platform-specific optional binaries for other systems are never installed here.
      const otherPlatform =
        (entry.os && !entry.os.includes(process.platform)) ||
        (entry.cpu && !entry.cpu.includes(process.arch))
      if (!path || !range || otherPlatform) continue
      for (const version of supported) {
        if (!semver.satisfies(version, range) && !accepted.has(`${path} on ${version}`))
          refusing.push(`${path}@${entry.version} (${range}) on ${version}`)
      }
    }
    assert.deepEqual(refusing, [], 'npm would warn EBADENGINE')
  })
})
