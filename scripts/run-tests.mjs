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

function testsIn(path) {
  if (!existsSync(path)) {
    console.error(`No such test file or folder: ${path}`)
    process.exit(1)
  }
  return statSync(path).isDirectory() ? findTests(path) : [relative(process.cwd(), path)]
}

// Arguments naming test files or folders (e.g. `test/e2e`) run just those, `--except=<file or
// folder>` leaves those out; others go to node.
const args = process.argv.slice(2)
const chosen = args.filter((arg) => !arg.startsWith('-') && existsSync(arg))
const excepted = new Set(
  args.flatMap((arg) =>
    arg.startsWith('--except=') ? testsIn(arg.slice('--except='.length)) : [],
  ),
)
const nodeArgs = args.filter((arg) => !chosen.includes(arg) && !arg.startsWith('--except='))
const files = (chosen.length > 0 ? chosen.flatMap(testsIn) : findTests('test'))
  .filter((file) => !excepted.has(file))
  .sort()
// Given no file, node's runner would look for tests everywhere.
if (files.length === 0) {
  console.error('No test file is left to run.')
  process.exit(1)
}
// Files at a time (TEST_CONCURRENCY, default 2): a file's time is spent partly in single-threaded
// PGlite and argon2, partly waiting (servers starting, deadlines of a few seconds to pass).
const concurrency = Number(process.env.TEST_CONCURRENCY) || 2
// A test that runs past 5 minutes (a hung child process) fails instead of hanging CI.
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    ...nodeArgs,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
)
process.exit(result.status ?? 1)
