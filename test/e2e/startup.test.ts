import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import pg from 'pg'
import { createPostgresDatabase } from '../support/database.js'
import {
  freePort,
  runScript,
  runStartScript,
  type ServerProcess,
  startServer,
} from '../support/server.js'

/** TEST_DATABASE_URL, else the local server if one answers; unset when there is none. */
async function findPostgres(): Promise<string | undefined> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL
  const url = 'postgres://postgres@127.0.0.1:5432/postgres'
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    return url
  } catch {
    return undefined
  } finally {
    await client.end().catch(() => {})
  }
}

const postgresUrl = await findPostgres()
const needsPostgres = postgresUrl
  ? false
  : 'needs PostgreSQL: TEST_DATABASE_URL is unset and nothing answers at 127.0.0.1:5432'

const SECRET = 'hunter2-not-a-real-password'

function withUrl(url: string, change: (parsed: URL) => void): string {
  const parsed = new URL(url)
  change(parsed)
  return parsed.toString()
}

type Outcome = { code: number | null; stderr: string }

/** Every entry point that opens the database, run to its end with the same settings. */
async function runEveryEntryPoint(env: Record<string, string>): Promise<Record<string, Outcome>> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-startup-'))
  try {
    const employees = join(dir, 'employees.json')
    writeFileSync(employees, '[]')
    // A free port, so that only the database can be what fails.
    const common = { HOST: '127.0.0.1', PORT: '0', ...env }
    const admin = ['--email', 'lead@example.com', '--name', 'Lead', '--password', 'password123']
    // The first alone: it builds dist/ when the sources are newer, which must not run twice at once.
    const start = await runStartScript(common)
    const [migrate, createAdmin, importMongo] = await Promise.all([
      runStartScript(common, ['--migrate-only']),
      runScript('create-admin.mjs', common, admin),
      runScript('import-mongo.mjs', common, ['--employees', employees]),
    ])
    return {
      'npm start': start,
      'npm run db:migrate': migrate,
      'npm run create-admin': createAdmin,
      'npm run import:mongo': importMongo,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The lines printed on stderr, less the one-off build notice. */
const linesOf = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('Building'))

/** Exit code 1 and exactly one line on stderr, without a stack trace; that line. */
function assertOneLine(outcome: Outcome, label: string): string {
  assert.equal(outcome.code, 1, `${label}: ${outcome.stderr}`)
  const lines = linesOf(outcome.stderr)
  assert.equal(lines.length, 1, `${label} printed more than one line:\n${outcome.stderr}`)
  assert.doesNotMatch(outcome.stderr, /^\s+at /m, `${label} printed a stack trace`)
  return lines[0] ?? ''
}

async function assertEveryEntryPointSays(
  databaseUrl: string,
  expected: RegExp,
  maskedUrl: string,
): Promise<void> {
  const outcomes = await runEveryEntryPoint({ DATABASE_URL: databaseUrl })
  for (const [label, outcome] of Object.entries(outcomes)) {
    const line = assertOneLine(outcome, label)
    assert.ok(line.includes(`DATABASE_URL (${maskedUrl})`), `${label} names DATABASE_URL: ${line}`)
    assert.ok(!line.includes(SECRET), `${label} shows the password: ${line}`)
    assert.match(line, expected, label)
  }
}

describe('a start that cannot succeed says why in one line', () => {
  test('an unreachable database stops npm start, db:migrate and the tools in one line naming DATABASE_URL', async () => {
    const port = await freePort() // nothing listens there any more
    await assertEveryEntryPointSays(
      `postgres://crm:${SECRET}@127.0.0.1:${port}/crm`,
      /nothing accepts connections at 127\.0\.0\.1:\d+\. Check that PostgreSQL is running/,
      `postgres://crm:***@127.0.0.1:${port}/crm`,
    )
  })

  test('an unknown database host stops npm start, db:migrate and the tools in one line naming DATABASE_URL', async () => {
    // .invalid never resolves (RFC 6761).
    await assertEveryEntryPointSays(
      `postgres://crm:${SECRET}@db.crm.invalid:5432/crm`,
      /the host name db\.crm\.invalid was not found\. Check the host name/,
      'postgres://crm:***@db.crm.invalid:5432/crm',
    )
  })

  test('a database server that never answers stops npm start, db:migrate and the tools within seconds', async (t) => {
    const openSockets: Socket[] = []
    // Accepts connections, then says nothing.
    const silent = createServer((socket) => openSockets.push(socket)).listen(0, '127.0.0.1')
    await once(silent, 'listening')
    t.after(() => {
      silent.close()
      for (const socket of openSockets) socket.destroy()
    })
    const address = silent.address()
    assert.ok(address && typeof address === 'object')
    await assertEveryEntryPointSays(
      `postgres://crm:${SECRET}@127.0.0.1:${address.port}/crm`,
      /no answer from 127\.0\.0\.1:\d+ within 10 s\. Check the host and port/,
      `postgres://crm:***@127.0.0.1:${address.port}/crm`,
    )
  })

  test('a database that does not exist stops npm start, db:migrate and the tools in one line naming DATABASE_URL', {
    skip: needsPostgres,
  }, async () => {
    const name = `crm_missing_${randomBytes(4).toString('hex')}`
    const url = withUrl(postgresUrl ?? '', (parsed) => {
      parsed.pathname = `/${name}`
    })
    await assertEveryEntryPointSays(
      url,
      new RegExp(`database "${name}" does not exist\\. Create it \\(createdb ${name}\\)`),
      withUrl(url, (parsed) => {
        if (parsed.password) parsed.password = '***'
      }),
    )
  })

  test('a user the server refuses stops npm start, db:migrate and the tools in one line naming DATABASE_URL', {
    skip: needsPostgres,
  }, async () => {
    const user = `crm_nobody_${randomBytes(4).toString('hex')}`
    const url = withUrl(postgresUrl ?? '', (parsed) => {
      parsed.username = user
      parsed.password = SECRET
    })
    await assertEveryEntryPointSays(
      url,
      new RegExp(`the server refused user "${user}" \\(.+\\)\\. Check the user name and password`),
      withUrl(url, (parsed) => {
        parsed.password = '***'
      }),
    )
  })

  test('a port already in use stops the start before any migration, in one line naming PORT and HOST', async (t) => {
    const taken = createServer().listen(0, '127.0.0.1')
    await once(taken, 'listening')
    t.after(() => taken.close())
    const address = taken.address()
    assert.ok(address && typeof address === 'object')
    const dir = mkdtempSync(join(tmpdir(), 'crm-startup-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const dataDir = join(dir, 'crm')

    const outcome = await runStartScript({
      HOST: '127.0.0.1',
      PORT: String(address.port),
      DATABASE_URL: `pglite://${dataDir}`,
    })
    const line = assertOneLine(outcome, 'npm start')
    assert.match(
      line,
      new RegExp(
        `^Cannot listen on HOST 127\\.0\\.0\\.1, PORT ${address.port}: the port is already in use\\. .*set PORT`,
      ),
    )
    assert.equal(existsSync(dataDir), false, 'the database was not opened, let alone migrated')
  })

  test('a HOST that is not an address of this machine stops the start in one line naming HOST', async () => {
    // Reserved for documentation (RFC 5737), so not an address of this machine. (Some sandboxes
    // give themselves 192.0.2.x, hence TEST-NET-3.)
    const outcome = await runStartScript({
      HOST: '203.0.113.1',
      PORT: '0',
      DATABASE_URL: 'memory://',
    })
    assert.match(
      assertOneLine(outcome, 'npm start'),
      /^Cannot listen on HOST 203\.0\.113\.1, PORT 0: that address is not one of this machine's\. Set HOST/,
    )
  })

  test('an invalid NODE_ENV or LOG_LEVEL stops the start in one line listing the allowed values', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ NODE_ENV: 'prod' }, 'NODE_ENV must be one of: development, production, test'],
      [
        { LOG_LEVEL: 'loud' },
        'LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent',
      ],
    ]
    for (const [env, message] of cases) {
      const outcome = await runStartScript({ DATABASE_URL: 'memory://', ...env })
      assert.equal(assertOneLine(outcome, JSON.stringify(env)), `Invalid configuration: ${message}`)
    }
  })
})

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** The server's pino lines, once the start-up summary (its last line, about the admin) is out. */
async function startupLog(server: ServerProcess): Promise<LogLine[]> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine)
    if (lines.some((line) => 'admin' in line)) return lines
    if (Date.now() > deadline) throw new Error(`no start-up summary in:\n${server.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const lineWith = (lines: LogLine[], field: string): LogLine => {
  const found = lines.find((line) => field in line)
  assert.ok(found, `a log line with ${field}`)
  return found
}

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'startup-secret-startup-secret-startup-secret',
  LOG_LEVEL: 'info',
}

describe('the start-up log', () => {
  test('says which database is in use, where the docs are, and how to create the first admin', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-startup-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const env = { ...PRODUCTION, DATABASE_URL: `pglite://${join(dir, 'crm')}` }

    const first = await startServer(env)
    t.after(() => first.stop('SIGKILL'))
    const lines = await startupLog(first)
    const database = lineWith(lines, 'database')
    assert.deepEqual(database.database, { kind: 'pglite', location: join(dir, 'crm') })
    assert.ok(database.msg.includes(`embedded PGlite at ${join(dir, 'crm')}`), database.msg)
    const docs = lineWith(lines, 'docs')
    assert.equal(docs.docs, `${first.url}/api/docs`)
    assert.ok(docs.msg.includes(`${first.url}/api/docs`), docs.msg)
    assert.equal((await fetch(`${first.url}/api/docs`)).status, 200, 'the docs are there')
    const noAdmin = lineWith(lines, 'admin')
    assert.equal(noAdmin.admin, false)
    assert.equal(noAdmin.level, 40, 'a warning')
    assert.match(noAdmin.msg, /npm run create-admin -- --email \S+ --name/)
    assert.match(noAdmin.msg, /ADMIN_EMAIL and ADMIN_PASSWORD/)
    assert.equal(await first.stop('SIGTERM'), 0)

    const second = await startServer({
      ...env,
      ADMIN_EMAIL: 'lead@example.com',
      ADMIN_PASSWORD: 'lead-password-123',
    })
    t.after(() => second.stop('SIGKILL'))
    const admin = lineWith(await startupLog(second), 'admin')
    assert.equal(admin.admin, true)
    assert.match(admin.msg, /an active admin account exists/)
  })

  test('names a PostgreSQL database with its password masked', {
    skip: needsPostgres,
  }, async (t) => {
    const created = await createPostgresDatabase(postgresUrl ?? '')
    t.after(() => created.drop())
    // Trust authentication ignores a password it did not ask for; a real one is kept as it is.
    const url = withUrl(created.url, (parsed) => {
      parsed.password ||= SECRET
    })
    const password = decodeURIComponent(new URL(url).password)

    const server = await startServer({ ...PRODUCTION, DATABASE_URL: url })
    t.after(() => server.stop('SIGKILL'))
    const database = lineWith(await startupLog(server), 'database')
    const masked = withUrl(url, (parsed) => {
      parsed.password = '***'
    })
    assert.deepEqual(database.database, { kind: 'postgres', location: masked })
    assert.match(database.msg, /^database: PostgreSQL at /)
    assert.ok(!server.output().includes(password), 'the password is never logged')
  })
})
