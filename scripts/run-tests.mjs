// `npm test`: every test/**/*.test.ts through node:test, TypeScript loaded by tsx.
// Extra arguments are passed to node's test runner (e.g. `npm test -- --test-name-pattern=login`).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return findTests(path)
    return entry.name.endsWith('.test.ts') ? [relative(process.cwd(), path)] : []
  })
}

const files = findTests('test').sort()
// Two files at a time: most of a file's time is spent in single-threaded PGlite and argon2.
// A test that runs past 5 minutes (a hung child process) fails instead of hanging CI.
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    ...process.argv.slice(2),
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
)
process.exit(result.status ?? 1)
