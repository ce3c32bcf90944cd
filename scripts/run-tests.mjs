// `npm test`: every test/**/*.test.ts through node:test, TypeScript loaded by tsx.
// Extra arguments are passed to node's test runner (e.g. `npm test -- --test-name-pattern=login`).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return findTests(path)
    return entry.name.endsWith('.test.ts') ? [relative(process.cwd(), path)] : []
  })
}

// Arguments naming test files or folders (e.g. `test/e2e`) run just those; others go to node.
const args = process.argv.slice(2)
const chosen = args.filter((arg) => !arg.startsWith('-') && existsSync(arg))
const nodeArgs = args.filter((arg) => !chosen.includes(arg))
const files = (
  chosen.length > 0
    ? chosen.flatMap((path) => (statSync(path).isDirectory() ? findTests(path) : [path]))
    : findTests('test')
).sort()
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
    ...nodeArgs,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
)
process.exit(result.status ?? 1)
