import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'

const root = join(import.meta.dirname, '..')

test('suites that need Redis or PostgreSQL report themselves skipped with the reason when those are not set', () => {
  // NODE_TEST_CONTEXT would make the inner runner report to this one instead of printing TAP.
  const {
    TEST_DATABASE_URL: _database,
    TEST_REDIS_URL: _redis,
    NODE_TEST_CONTEXT: _context,
    ...environment
  } = process.env
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=tap',
      'test/security/redis.test.ts',
      'test/e2e/two-instances.test.ts',
    ],
    { cwd: root, env: { ...environment, NODE_ENV: 'test' }, encoding: 'utf8', timeout: 120_000 },
  )
  const output = run.stdout
  assert.equal(run.status, 0, output + run.stderr)
  const skipLines = output.match(/^\s*ok \d+ - .+ # SKIP .+$/gm) ?? []
  const tests = Number(/^# tests (\d+)$/m.exec(output)?.[1])
  assert.ok(tests >= 5, `tests reported: ${tests}`)
  assert.match(output, new RegExp(`^# skipped ${tests}$`, 'm'), 'every test is counted as skipped')
  assert.match(output, /^# pass 0$/m)
  assert.equal(skipLines.length, tests, skipLines.join('\n'))
  for (const line of skipLines) {
    assert.match(line, /# SKIP needs (a Redis server|PostgreSQL and Redis): set TEST_/)
  }
})
