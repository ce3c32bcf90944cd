import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'

/** The dependency direction drawn in docs/architecture.md, checked on every import in src/. */

const SRC = resolve(import.meta.dirname, '../src')

async function importsOfSources(): Promise<{ from: string; to: string }[]> {
  const entries = await readdir(SRC, { recursive: true, withFileTypes: true })
  const edges: { from: string; to: string }[] = []
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.ts'))) {
    const path = join(entry.parentPath, entry.name)
    const text = await readFile(path, 'utf8')
    for (const [, target] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      edges.push({
        from: relative(SRC, path),
        to: relative(SRC, resolve(dirname(path), target ?? '')).replace(/\.js$/, '.ts'),
      })
    }
  }
  return edges
}

const moduleOf = (path: string) => /^modules\/([^/]+)\//.exec(path)?.[1]

test('plugins and the core never import modules; modules use each other only through service and schemas', async () => {
  const edges = await importsOfSources()
  assert.ok(edges.length > 100, `${edges.length} imports read`)
  const broken = edges.filter(({ from, to }) => {
    const fromModule = moduleOf(from)
    const toModule = moduleOf(to)
    if (from.startsWith('plugins/')) return toModule !== undefined
    // The core: config, errors, schemas, validation, db, passwords… (app.ts, server.ts and the
    // command-line tools are the composition roots that wire modules and plugins together).
    const isRoot = from === 'app.ts' || from === 'server.ts' || from.startsWith('cli/')
    if (!fromModule && !isRoot) return toModule !== undefined || to.startsWith('plugins/')
    if (fromModule && toModule && fromModule !== toModule) {
      return !/\/(service|schemas)\.ts$/.test(to)
    }
    return false
  })
  assert.deepEqual(
    broken.map(({ from, to }) => `${from} → ${to}`),
    [],
  )
})
