import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { migratedPgliteDir } from '../support/database.js'
import { freePort, runScript, runStartScript, startServer } from '../support/server.js'

const startScript = join(import.meta.dirname, '..', '..', 'scripts', 'start.mjs')

/**
 * A directory holding `crm`, an embedded database already migrated: what is locked does not
 * depend on it being new, and a server starts on it without migrating.
 */
async function embeddedDirectory(t: { after: (fn: () => void) => void }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-lock-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await migratedPgliteDir(join(dir, 'crm'))
  return dir
}

/** The lines a failed start printed, less the one-off build notice. */
const linesOf = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('Building'))

/** The state letter of a process in /proc (R, S, T, Z…), or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  } catch {
    return undefined
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// A parent that starts the server and then does nothing: once it is stopped (SIGSTOP) it cannot
// reap, like a container's PID 1 that never waits for its children.
const NON_REAPING_PARENT = `
const { spawn } = require('node:child_process')
const server = spawn(process.execPath, [process.argv[1]], { stdio: 'inherit' })
process.stdout.write('server pid ' + server.pid + '\\n')
`

describe('the embedded database lock', () => {
  test('a restart after SIGKILL succeeds while the killed server is still an unreaped zombie', {
    skip: process.platform === 'linux' ? false : 'needs /proc to see the zombie (Linux)',
  }, async (t) => {
    const dir = await embeddedDirectory(t)
    const port = await freePort()
    const env = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: `pglite://${join(dir, 'crm')}`,
    }
    const parent = spawn(process.execPath, ['-e', NON_REAPING_PARENT, startScript], {
      cwd: tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    parent.stdout?.on('data', (chunk) => {
      output += chunk
    })
    parent.stderr?.on('data', (chunk) => {
      output += chunk
    })
    t.after(async () => {
      // Resumed, the parent reaps its zombie and, with nothing left to do, exits.
      if (parent.exitCode !== null || parent.signalCode !== null) return
      parent.kill('SIGCONT')
      const exited = once(parent, 'exit')
      const timer = setTimeout(() => parent.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    })
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (response) => response.ok,
          () => false,
        ),
      `the first server: ${output}`,
    )
    const serverPid = Number(/server pid (\d+)/.exec(output)?.[1])
    assert.ok(serverPid > 0, output)

    assert.ok(parent.kill('SIGSTOP'))
    process.kill(serverPid, 'SIGKILL')
    await waitUntil(() => processState(serverPid) === 'Z', 'the killed server to become a zombie')

    const restarted = await startServer({ DATABASE_URL: env.DATABASE_URL })
    t.after(() => restarted.stop('SIGKILL'))
    assert.equal((await fetch(`${restarted.url}/health`)).status, 200)
    assert.equal(processState(serverPid), 'Z', 'the old server was a zombie all along')
    assert.equal(await restarted.stop('SIGTERM'), 0)
  })

  test('a pid file left beside the directory, naming a live process, does not block the start', async (t) => {
    const dir = await embeddedDirectory(t)
    // The old lock's file, naming a process that is alive but has nothing to do with the database.
    writeFileSync(join(dir, 'crm.pid'), String(process.pid))
    const server = await startServer({ DATABASE_URL: `pglite://${join(dir, 'crm')}` })
    t.after(() => server.stop('SIGKILL'))
    assert.equal((await fetch(`${server.url}/health`)).status, 200)
  })

  test('a second live process on the same directory is refused in one line naming the holder', async (t) => {
    const dir = await embeddedDirectory(t)
    const env = { DATABASE_URL: `pglite://${join(dir, 'crm')}` }
    const first = await startServer(env)
    t.after(() => first.stop('SIGKILL'))

    const second = await runStartScript({ ...env, PORT: '0' })
    assert.equal(second.code, 1)
    const lines = linesOf(second.stderr)
    assert.equal(lines.length, 1, second.stderr)
    assert.match(
      lines[0] ?? '',
      new RegExp(`already open in process ${first.child.pid}\\. Only one process may use it`),
    )
    assert.equal((await fetch(`${first.url}/health`)).status, 200, 'the first keeps running')
  })

  test('a second process reaching the same directory through a symlink is refused too', async (t) => {
    const dir = await embeddedDirectory(t)
    symlinkSync(join(dir, 'crm'), join(dir, 'link'))
    const first = await startServer({ DATABASE_URL: `pglite://${join(dir, 'crm')}` })
    t.after(() => first.stop('SIGKILL'))

    const second = await runStartScript({
      DATABASE_URL: `pglite://${join(dir, 'link')}`,
      PORT: '0',
    })
    assert.equal(second.code, 1)
    assert.match(second.stderr, /already open in process \d+\. Only one process may use it/)
  })

  test('npm run create-admin while the server runs says in one line to stop it or to use ADMIN_EMAIL and ADMIN_PASSWORD', async (t) => {
    const dir = await embeddedDirectory(t)
    const env = { DATABASE_URL: `pglite://${join(dir, 'crm')}` }
    const server = await startServer(env)
    t.after(() => server.stop('SIGKILL'))

    const { code, stderr } = await runScript('create-admin.mjs', env, [
      '--email',
      'lead@example.com',
      '--name',
      'Lead',
      '--password',
      'lead-password-123',
    ])
    assert.equal(code, 1)
    const lines = linesOf(stderr)
    assert.equal(lines.length, 1, stderr)
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace')
    assert.match(lines[0] ?? '', new RegExp(`open in process ${server.child.pid}\\b`))
    assert.match(lines[0] ?? '', /stop the server/)
    assert.match(lines[0] ?? '', /ADMIN_EMAIL and ADMIN_PASSWORD/)
    assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the server keeps running')
  })
})
