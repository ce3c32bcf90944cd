import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../../src/db/client.js'
import { activity, employees, enquiries, notes } from '../../src/db/schema/index.js'
import { serverDatabase, targetOf } from '../support/database.js'
import { freePort, request, runStartScript, startServer } from '../support/server.js'

const JWT_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-secret'

/** The database the real process uses: a directory for embedded PGlite, or a fresh PostgreSQL database. */
const post = (url: string, body: unknown) => {
  const { origin, pathname } = new URL(url)
  return request(origin, 'POST', pathname, { body })
}

describe('npm start (the real server process)', () => {
  test('serves the API, stops cleanly on SIGTERM, and keeps its data across a restart', async (t) => {
    const database = await serverDatabase()
    t.after(() => database.dispose())
    // The seed's workflow registers publicly, which production allows only when opted in.
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET,
      DATABASE_URL: database.url,
      ALLOW_PUBLIC_REGISTRATION: 'true',
    }

    const first = await startServer(env)
    t.after(() => first.stop('SIGKILL'))
    const credentials = { email: 'john@example.com', password: 'password123' }
    const registered = await post(`${first.url}/api/auth/register`, {
      name: 'John Doe',
      ...credentials,
    })
    assert.equal(registered.status, 201)
    assert.equal(await first.stop('SIGTERM'), 0)

    const second = await startServer(env)
    t.after(() => second.stop('SIGKILL'))
    const login = await post(`${second.url}/api/auth/login`, credentials)
    assert.equal(login.status, 200)
    const token = (login.body.data as { token: string }).token
    const me = await fetch(`${second.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(me.status, 200)
    assert.equal(await second.stop('SIGINT'), 0)
  })

  test('npm start passes SIGTERM to the server, which decides the exit code', async (t) => {
    const database = await serverDatabase()
    t.after(() => database.dispose())
    const port = await freePort()
    const npm = spawn('npm', ['start'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout?.on('data', (chunk) => {
      output += chunk
    })
    t.after(() => {
      npm.kill('SIGKILL')
    })
    const deadline = Date.now() + 60_000
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) break
      if (Date.now() > deadline) throw new Error(`npm start did not come up: ${output}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    npm.kill('SIGTERM')
    const [code] = (await once(npm, 'exit')) as [number | null]
    assert.equal(code, 0, output)
    assert.match(output, /shutting down/)
    const stillUp = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    )
    assert.equal(stillUp, false, 'the server process is gone, not orphaned')
  })

  test('npm run db:migrate applies the migrations and exits', async (t) => {
    // A directory not yet created: the migrations are what this command is for.
    const database = await serverDatabase({ empty: true })
    t.after(() => database.dispose())
    const { code } = await runStartScript({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }, [
      '--migrate-only',
    ])
    assert.equal(code, 0)
    const opened = await openDatabase(targetOf(database.url))
    for (const table of [employees, enquiries, notes, activity]) {
      const [row] = await opened.db.select({ rows: sql<number>`count(*)::int` }).from(table)
      assert.equal(row?.rows, 0)
    }
    await opened.close()
  })

  test('an invalid setting stops the start with one line naming the variable', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ PORT: 'abc' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://localhost/crm' }, 'DATABASE_URL'],
      [{ JWT_EXPIRE: 'soon' }, 'JWT_EXPIRE'],
      [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    ]
    for (const [env, variable] of cases) {
      const { code, stderr } = await runStartScript(env)
      assert.notEqual(code, 0, variable)
      const lines = stderr
        .trim()
        .split('\n')
        .filter((line: string) => !line.startsWith('Building'))
      assert.equal(lines.length, 1, stderr)
      assert.match(lines[0] ?? '', new RegExp(`^Invalid configuration: ${variable} `))
    }
  })
})
