// `npm run bench [-- --rows 100000] [--embedded] [--duration 5] [--connections 1,10,50]`
// Measures the real server (compiled build) against the floors the stack sets in the same run,
// and writes bench/results.md. Never part of `npm test`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase } from '../src/db/client.js'
import type { EnquiryPriority } from '../src/db/schema/index.js'
import { cursorAfter } from '../src/modules/enquiries/cursor.js'
import { explainPool } from './explain.js'
import { explainLists, LIST_CASES, LIST_COUNSELOR_EMAIL } from './lists.js'
import type { LoadResult, LoadScenario } from './load.js'
import { measureLoginTiming } from './login-timing.js'
import { BENCH_PASSWORD, seed } from './seed.js'
import {
  createEndpoints,
  deleteEndpoints,
  percentile,
  startReceiver,
  waitForDeliveries,
} from './webhooks.js'

const root = join(import.meta.dirname, '..')
const tmp = join(root, 'bench', '.tmp')
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    embedded: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1,10,50' },
    // Routing and webhooks are ratios to plain submit: each is measured this many times, paired
    // with a plain submit right before or after it (the order alternates), and judged by the median.
    rounds: { type: 'string', default: '4' },
    out: { type: 'string', default: join(import.meta.dirname, 'results.md') },
    // For quick iterations: pool,deep,mine,lists,submit,routing,webhooks,claim,login,race,storm,
    // export,login-timing
    // (default: all).
    only: { type: 'string', default: 'all' },
    // Where the lists scenario's plans go (default bench/plans-lists-<rows>.md).
    'lists-plans': { type: 'string' },
  },
})
const only = new Set((args.only ?? 'all').split(','))
const wants = (key: string) => only.has('all') || only.has(key)
const rows = Number(args.rows)
const duration = Number(args.duration)
const warmup = Number(args.warmup)
const levels = (args.connections ?? '1,10,50').split(',').map(Number)
const rounds = Math.max(1, Number(args.rounds))
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** The lists scenario runs at this many connections, the level its targets are set at. */
const LIST_CONNECTIONS = 10
const LIST_PREFIX = 'lists: '
/** The total each list reported, by label. */
const listTotals = new Map<string, number>()

interface Row {
  scenario: string
  target: string
  connections: number
  result: LoadResult
  peakRssMb: number | undefined
}
const results: Row[] = []
/** How many claim paths earlier runs used up: each id is claimed once. */
let pathsUsed = 0
const log = (message: string) => console.error(`[bench] ${message}`)

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  return typeof address === 'object' && address ? address.port : 0
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not come up`)
}

async function start(command: string[], env: Record<string, string>, healthPath: string) {
  const port = await freePort()
  const child = spawn(process.execPath, command, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}${healthPath}`)
  return { child, url }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

/** Resident memory of a process now, in MB (Linux). */
function rssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

async function load(input: LoadScenario): Promise<LoadResult> {
  const scenario = input.pathsFile ? { ...input, pathsOffset: pathsUsed } : input
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'load.ts'), JSON.stringify(scenario)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  await once(child, 'exit')
  const result = JSON.parse(output) as LoadResult
  if (input.pathsFile) pathsUsed += result.requests
  return result
}

/** Clock ticks per second: the unit of the CPU times in /proc/<pid>/stat. */
const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU time (user and system) a process has used so far, in ms; undefined where /proc cannot say. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // utime and stime are the 14th and 15th fields; the 2nd, the command, may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
  } catch {
    return undefined
  }
}

/**
 * CPU used so far by each PostgreSQL backend connected to the bench's database (the app's pool,
 * its listener and its job queue's), by pid: readable only when the server runs on this machine.
 */
async function backendCpu(): Promise<Map<number, number>> {
  const cpu = new Map<number, number>()
  if (!walClient) return cpu
  const { rows } = await walClient.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  )
  for (const { pid } of rows) {
    const ms = processCpuMs(pid)
    if (ms !== undefined) cpu.set(pid, ms)
  }
  return cpu
}

/** Where a measurement's CPU went, in ms per request. */
interface CpuPerRequest {
  server: number | undefined
  /** The backends that served it (those connected throughout); undefined if none could be read. */
  postgres: number | undefined
  load: number
}

const cpuTotal = (cpu: CpuPerRequest) => (cpu.server ?? 0) + (cpu.postgres ?? 0) + cpu.load

const formatCpu = (cpu: CpuPerRequest) =>
  `CPU/req ${cpuTotal(cpu).toFixed(2)} ms (server ${cpu.server?.toFixed(2) ?? '–'}, PostgreSQL ${cpu.postgres?.toFixed(2) ?? '–'}, load generator ${cpu.load.toFixed(2)})`

type Measured = LoadResult & { cpu: CpuPerRequest | undefined }

/** Warm up, then measure, sampling the server's memory meanwhile. */
async function measure(
  name: string,
  target: string,
  server: ChildProcess,
  scenario: Omit<LoadScenario, 'durationSeconds'>,
): Promise<Measured> {
  if (warmup > 0 && !scenario.amount) await load({ ...scenario, durationSeconds: warmup })
  let peak = rssMb(server.pid)
  const sampler = setInterval(() => {
    peak = Math.max(peak ?? 0, rssMb(server.pid) ?? 0)
  }, 100)
  const walBefore = await walPosition()
  const serverBefore = processCpuMs(server.pid)
  const backendsBefore = await backendCpu()
  const result = await load({ ...scenario, durationSeconds: duration })
  const serverAfter = processCpuMs(server.pid)
  const backendsAfter = await backendCpu()
  const wal = walBefore && (await walPosition(walBefore))
  clearInterval(sampler)
  results.push({
    scenario: name,
    target,
    connections: scenario.connections,
    result,
    peakRssMb: peak,
  })
  let postgresMs: number | undefined
  for (const [pid, after] of backendsAfter) {
    const before = backendsBefore.get(pid)
    if (before !== undefined) postgresMs = (postgresMs ?? 0) + after - before
  }
  const perRequest = (ms: number | undefined) =>
    ms === undefined ? undefined : ms / result.requests
  const cpu =
    result.requests > 0
      ? {
          server:
            serverBefore === undefined || serverAfter === undefined
              ? undefined
              : perRequest(serverAfter - serverBefore),
          postgres: perRequest(postgresMs),
          load: result.cpuMs / result.requests,
        }
      : undefined
  log(
    `${name} ${target} c=${scenario.connections}: ${result.rps.toFixed(0)} req/s p50 ${result.p50} ms p99 ${result.p99} ms ${JSON.stringify(result.statuses)}${wal?.bytes && result.requests > 0 ? ` WAL ${(wal.bytes / result.requests / 1024).toFixed(1)} kB/req` : ''}${cpu ? ` ${formatCpu(cpu)}` : ''}`,
  )
  return { ...result, cpu }
}

/** Where the PostgreSQL server's WAL is now, and (given where it was) how many bytes since then. */
let walClient: pg.Client | undefined
async function walPosition(since?: {
  lsn: string
}): Promise<{ lsn: string; bytes: number } | undefined> {
  if (!walClient) return undefined
  const { rows } = await walClient.query<{ lsn: string; bytes: string | null }>(
    'SELECT pg_current_wal_lsn()::text AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes',
    [since?.lsn ?? '0/0'],
  )
  const row = rows[0]
  return row && { lsn: row.lsn, bytes: since ? Number(row.bytes) : 0 }
}

let exportRun: { rows: number; seconds: number; bytes: number; peakRssMb: number } | undefined
let loginTiming: { wrongPasswordMs: number; unknownEmailMs: number } | undefined

/** Downloads the whole CSV export once, timing it and watching the server's memory. */
async function timeExport(url: string, token: string, server: ChildProcess) {
  let peak = rssMb(server.pid) ?? 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(server.pid) ?? 0)
  }, 100)
  const started = Date.now()
  const response = await fetch(`${url}/api/enquiries/export?format=csv`, {
    headers: { authorization: `Bearer ${token}` },
  })
  let bytes = 0
  let lines = 0
  for await (const chunk of response.body ?? []) {
    bytes += (chunk as Uint8Array).length
    for (const byte of chunk as Uint8Array) if (byte === 10) lines++
  }
  clearInterval(sampler)
  // Lines minus the header; a message never holds a newline in the seeded data.
  return { rows: lines - 1, seconds: (Date.now() - started) / 1000, bytes, peakRssMb: peak }
}

async function login(url: string, email: string): Promise<{ token: string; id: string }> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  })
  const body = (await response.json()) as { data: { token: string; employee: { id: string } } }
  return { token: body.data.token, id: body.data.employee.id }
}

const submitBody = JSON.stringify({
  name: 'Bench Student',
  email: 'bench[<id>]@load.example',
  phone: '55[<id>]',
  courseInterest: 'Web Development',
  message: 'I would like to know more',
})

const ROUTING_SCENARIO = 'submit enquiry, 3 routing rules'

/** Three active rules over the seeded counselors (round-robin and least-loaded); their ids. */
async function createRoutingRules(url: string, token: string): Promise<string[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const listed = await fetch(`${url}/api/employees?role=counselor&isActive=true&limit=10`, {
    headers,
  })
  const counselorIds = ((await listed.json()) as { data: { _id: string }[] }).data.map(
    (employee) => employee._id,
  )
  const rules = [
    {
      name: 'High priority',
      position: 1,
      match: { priorities: ['high'] },
      strategy: 'least_loaded',
    },
    {
      name: 'Web leads',
      position: 2,
      match: { sources: ['website'], courses: ['web development'] },
      strategy: 'round_robin',
    },
    { name: 'Everything else', position: 3, strategy: 'least_loaded' },
  ]
  const ids: string[] = []
  for (const rule of rules) {
    const response = await fetch(`${url}/api/routing-rules`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...rule, counselorIds }),
    })
    if (response.status !== 201) throw new Error(`routing rule: ${response.status}`)
    ids.push(((await response.json()) as { data: { _id: string } }).data._id)
  }
  return ids
}

/** /health measured while 20 connections keep logging in: hashing must not block the event loop. */
async function loginStorm(url: string, server: ChildProcess): Promise<void> {
  const storm = load({
    url,
    method: 'POST',
    path: '/api/auth/login',
    body: JSON.stringify({ email: 'counselor2@bench.example', password: BENCH_PASSWORD }),
    connections: 20,
    durationSeconds: duration + 1,
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  await measure('health during a login storm (20 conns)', 'app', server, {
    url,
    method: 'GET',
    path: '/health',
    connections: 10,
  })
  results.push({
    scenario: 'login storm (20 conns)',
    target: 'app',
    connections: 20,
    result: await storm,
    peakRssMb: undefined,
  })
}

/** Compiles the server the benchmark starts (dist/). */
function build(): void {
  log('building')
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
    ],
    { stdio: 'inherit' },
  )
}

/** A fresh database: a new one on the PostgreSQL server, or an embedded directory. */
async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (args.embedded) return { url: `pglite://${join(tmp, 'crm')}`, drop: async () => {} }
  const name = `crm_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const parsed = new URL(serverUrl)
  parsed.pathname = `/${name}`
  const drop = async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.end()
  }
  return { url: parsed.toString(), drop }
}

/** What the scenarios need from the seeded data. */
interface Seeded {
  seedSeconds: number
  postgresVersion: string
  /** Unclaimed enquiries, oldest first. */
  unclaimedIds: string[]
  /** The cursor a client following nextCursor would hold for the pool's page 500. */
  page500Cursor: string
}

/** Migrates and seeds the database, and on PostgreSQL writes the plans of the pool and the lists. */
async function seedDatabase(databaseUrl: string): Promise<Seeded> {
  const target = databaseUrl.startsWith('pglite://')
    ? { kind: 'pglite' as const, dataDir: databaseUrl.slice('pglite://'.length) }
    : { kind: 'postgres' as const, url: databaseUrl }
  log(`seeding ${rows} enquiries`)
  const seeding = Date.now()
  const database = await openDatabase(target)
  await database.migrate()
  await seed(database.db, rows)
  const seedSeconds = (Date.now() - seeding) / 1000
  const version = (await database.db.execute(
    sql`SELECT version() AS version, current_setting('autovacuum') AS autovacuum`,
  )) as unknown as { rows: { version: string; autovacuum: string }[] }
  const server = version.rows[0]
  // The paired rounds vacuum before each measurement when the server does not (backgroundSettled).
  const postgresVersion = `${server?.version.split(',')[0] ?? ''}${server?.autovacuum === 'off' ? ' with autovacuum off (the bench vacuums before each paired measurement)' : ''}`
  const unclaimed = (await database.db.execute(
    sql`SELECT id FROM enquiries WHERE status = 'unclaimed' ORDER BY created_at`,
  )) as unknown as { rows: { id: string }[] }
  // The cursor a client following nextCursor would hold for page 500 (after row 9,980).
  const lastOf499 = (await database.db.execute(
    sql`SELECT id, created_at, priority FROM enquiries WHERE status = 'unclaimed'
        ORDER BY created_at DESC, id DESC OFFSET 9979 LIMIT 1`,
  )) as unknown as { rows: { id: string; created_at: string; priority: EnquiryPriority }[] }
  const deepRow = lastOf499.rows[0]
  const page500Cursor = deepRow
    ? cursorAfter('newest', 499, {
        _id: deepRow.id,
        createdAt: new Date(deepRow.created_at),
        priority: deepRow.priority,
      })
    : ''
  if (!args.embedded) {
    const planFile = join(root, 'bench', `plans-${rows}.md`)
    writeFileSync(planFile, await explainPool(database.db, rows))
    log(`wrote ${planFile}`)
    if (wants('lists')) {
      const listPlans = args['lists-plans'] ?? join(root, 'bench', `plans-lists-${rows}.md`)
      writeFileSync(listPlans, await explainLists(databaseUrl, rows))
      log(`wrote ${listPlans}`)
    }
  }
  await database.close()
  log(`seeded in ${seedSeconds.toFixed(1)} s`)
  return {
    seedSeconds,
    postgresVersion,
    unclaimedIds: unclaimed.rows.map((row) => row.id),
    page500Cursor,
  }
}

interface Server {
  child: ChildProcess
  url: string
}
type Floor = Server & { mode: 'full' | 'minimal' | 'constant' }

/** The server under test and what the scenarios drive it with. */
interface Bench {
  app: Server
  /** The floors (none on the embedded database). */
  floors: Floor[]
  admin: { token: string; id: string }
  busy: { token: string; id: string }
  claimer: { token: string; id: string }
  listCounselor: { token: string; id: string }
  page500Cursor: string
  /** The enquiry a hundred connections race to claim. */
  raceId: string
  /** The database the app runs on (pglite://… for the embedded one). */
  databaseUrl: string
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

async function startApp(databaseUrl: string): Promise<Server> {
  return start(
    [join(root, 'dist', 'server.js')],
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1234',
      DATABASE_URL: databaseUrl,
      RATE_LIMIT_MAX_REQUESTS: '100000000',
      AUTH_RATE_LIMIT_MAX: '100000000',
      ENQUIRY_RATE_LIMIT_MAX: '100000000',
      LOGIN_MAX_FAILURES: '100000000',
      RATE_LIMIT_EMPLOYEE_MAX: '100000000',
      // The webhooks scenario's receiver listens on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE: 'true',
    },
    '/health',
  )
}

/**
 * The floors run beside the app, each measured right after the app on the same data, so that
 * rows added by earlier submits weigh on both alike.
 */
async function startFloors(databaseUrl: string): Promise<Floor[]> {
  if (args.embedded) return []
  return Promise.all(
    (['full', 'minimal', 'constant'] as const).map(async (mode) => ({
      mode,
      ...(await start(
        [
          join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          join(root, 'bench', 'ceilings.ts'),
          mode,
          databaseUrl,
        ],
        {},
        '/api/enquiries/unclaimed?page=1&limit=1',
      )),
    })),
  )
}

const poolPage1 = (url: string, headers: Record<string, string>, connections: number) =>
  ({
    url,
    method: 'GET',
    path: '/api/enquiries/unclaimed?page=1&limit=20',
    headers,
    connections,
  }) as const

/** One round over every target first, so that none is measured on a cold cache. */
async function warmUp({ app, floors, admin }: Bench): Promise<void> {
  if (warmup <= 0) return
  await load({ ...poolPage1(app.url, auth(admin.token), 10), durationSeconds: warmup })
  for (const floor of floors) {
    await load({
      ...poolPage1(floor.url, { 'x-bench-employee': admin.id }, 10),
      durationSeconds: warmup,
    })
  }
}

/** Every list of the lists scenario, before any write: on the data as seeded and analyzed. */
async function measureLists({ app, admin, listCounselor }: Bench): Promise<void> {
  for (const list of LIST_CASES) {
    const headers = auth(list.as === 'admin' ? admin.token : listCounselor.token)
    const response = await fetch(`${app.url}${list.path}`, { headers })
    const body = (await response.json()) as { total?: number }
    listTotals.set(list.label, body.total ?? Number.NaN)
    await measure(`${LIST_PREFIX}${list.label}`, 'app', app.child, {
      url: app.url,
      method: 'GET',
      path: list.path,
      headers,
      connections: LIST_CONNECTIONS,
    })
  }
}

async function measurePoolPage1({ app, floors, admin }: Bench, connections: number) {
  await measure('pool page 1', 'app', app.child, poolPage1(app.url, auth(admin.token), connections))
  for (const floor of floors) {
    await measure(
      'pool page 1',
      floor.mode,
      floor.child,
      poolPage1(floor.url, { 'x-bench-employee': admin.id }, connections),
    )
  }
}

async function measureDeepPages({ app, admin, page500Cursor }: Bench, connections: number) {
  await measure('pool page 500 by offset', 'app', app.child, {
    url: app.url,
    method: 'GET',
    path: '/api/enquiries/unclaimed?page=500&limit=20',
    headers: auth(admin.token),
    connections,
  })
  if (!page500Cursor) return
  await measure('pool page 500 by cursor', 'app', app.child, {
    url: app.url,
    method: 'GET',
    path: `/api/enquiries/unclaimed?limit=20&cursor=${page500Cursor}`,
    headers: auth(admin.token),
    connections,
  })
}

async function measureMyEnquiries({ app, busy }: Bench, connections: number) {
  await measure('my-enquiries (1,000 leads)', 'app', app.child, {
    url: app.url,
    method: 'GET',
    path: '/api/enquiries/my-enquiries?page=1&limit=20',
    headers: auth(busy.token),
    connections,
  })
}

const submit = (url: string, connections: number) =>
  ({ url, method: 'POST', path: '/api/enquiries', body: submitBody, connections }) as const

async function measureSubmit({ app, floors }: Bench, connections: number) {
  await measure('submit enquiry', 'app', app.child, submit(app.url, connections))
  for (const floor of floors)
    await measure('submit enquiry', floor.mode, floor.child, submit(floor.url, connections))
}

/** One round of a ratio scenario: plain submit's and the variant's req/s, measured back to back. */
interface Round {
  plain: number
  variant: number
  /** Where each side's CPU went, per request: which process a variant's extra cost lands in. */
  plainCpu?: CpuPerRequest | undefined
  variantCpu?: CpuPerRequest | undefined
}
/** The rounds of each ratio scenario, by scenario and connection level. */
const pairedRounds = new Map<string, Round[]>()
const roundsKey = (scenario: string, connections: number) => `${scenario} @ ${connections}`

/** The middle value (the mean of the two middle ones for an even count). */
const median = (values: number[]): number | undefined => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return undefined
  return sorted.length % 2
    ? sorted[middle]
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** Set once CHECKPOINT is refused (neither superuser nor pg_checkpoint): said once, then skipped. */
let checkpointRefused = false

/**
 * Waits until the app has no background work left from earlier measurements: the outbox empty and
 * no job due or running (deadlines set for later do not count). Events left in the outbox would go
 * to the endpoints of the next webhooks round, and the work would load the next measurement. Then,
 * on a server whose autovacuum is off (this machine's, set so for CI), it vacuums the database as
 * autovacuum would have between bursts: the outbox and the job queue are tables that every submit
 * writes to and their consumers delete from, so without it each round would meet the dead rows of
 * all the rounds before, and the variant writing more events would meet more of them. Not on the
 * embedded database, which only the app can open.
 */
async function backgroundSettled(databaseUrl: string): Promise<void> {
  if (databaseUrl.startsWith('pglite://')) return
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const deadline = Date.now() + 10 * 60_000
    for (;;) {
      const { rows } = await client.query<{ pending: number }>(
        `SELECT (SELECT count(*) FROM event_outbox)::int
           + (SELECT count(*) FROM pgboss.job
              WHERE state IN ('created', 'retry', 'active') AND start_after <= now())::int AS pending`,
      )
      if ((rows[0]?.pending ?? 0) === 0) break
      if (Date.now() > deadline) throw new Error('background work did not finish within 10 minutes')
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum')
    if (rows[0]?.autovacuum === 'off') await client.query('VACUUM (ANALYZE)')
    // A checkpoint now, so that none falls inside the measurement: a few measurements' WAL fills
    // max_wal_size, and the checkpoint then requested (and the full-page writes after it) would
    // load whichever half of a round it landed in. Each measurement starts just after one instead.
    // Needs superuser or pg_checkpoint; without them the measurement runs as before.
    await client.query('CHECKPOINT').catch((error: unknown) => {
      if (!checkpointRefused) log(`no CHECKPOINT between measurements: ${(error as Error).message}`)
      checkpointRefused = true
    })
  } finally {
    await client.end()
  }
}

/**
 * Measures `variant` against plain submit `rounds` times, alternating which goes first so that
 * neither always meets the table a little larger or the machine a little warmer; each measurement
 * starts once the app's background work has settled.
 */
async function pairedWithSubmit(
  bench: Bench,
  scenario: string,
  connections: number,
  variant: () => Promise<Measured>,
): Promise<void> {
  // The targets are set at 10 and 50 connections; rounds at 1 would only lengthen the run.
  if (connections < 10) return
  const { app } = bench
  const settled = async (run: () => Promise<Measured>) => {
    await backgroundSettled(bench.databaseUrl)
    return run()
  }
  const plainSubmit = () =>
    measure('submit enquiry', 'app', app.child, submit(app.url, connections))
  const measured: Round[] = []
  for (let round = 0; round < rounds; round++) {
    const plainFirst = round % 2 === 0
    const first = await settled(plainFirst ? plainSubmit : variant)
    const second = await settled(plainFirst ? variant : plainSubmit)
    const [plain, other] = plainFirst ? [first, second] : [second, first]
    const pair = {
      plain: plain.rps,
      variant: other.rps,
      plainCpu: plain.cpu,
      variantCpu: other.cpu,
    }
    measured.push(pair)
    const cpu =
      plain.cpu && other.cpu
        ? `; CPU/req ${cpuTotal(other.cpu).toFixed(2)} vs ${cpuTotal(plain.cpu).toFixed(2)} ms (PostgreSQL ${other.cpu.postgres?.toFixed(2) ?? '–'} vs ${plain.cpu.postgres?.toFixed(2) ?? '–'})`
        : ''
    log(
      `${scenario} c=${connections} round ${round + 1}: ${(pair.variant / pair.plain).toFixed(2)}× (${pair.variant.toFixed(0)} vs ${pair.plain.toFixed(0)} req/s)${cpu}`,
    )
  }
  pairedRounds.set(roundsKey(scenario, connections), measured)
}

/** Each round's ratio, variant over plain, in the order measured. */
const roundRatios = (scenario: string, connections: number): number[] =>
  (pairedRounds.get(roundsKey(scenario, connections)) ?? []).map(
    (round) => round.variant / round.plain,
  )

/** The median of the rounds' ratios. */
const medianRatio = (scenario: string, connections: number): number | undefined =>
  median(roundRatios(scenario, connections))

/**
 * The same submits with three active rules: the first does not match, the second routes every one
 * round-robin; least-loaded counts the counselors' open leads on each. Compared with plain submit.
 */
async function measureRouting(bench: Bench, connections: number) {
  const { app, admin } = bench
  await pairedWithSubmit(bench, ROUTING_SCENARIO, connections, async () => {
    const ruleIds = await createRoutingRules(app.url, admin.token)
    const result = await measure(ROUTING_SCENARIO, 'app', app.child, submit(app.url, connections))
    for (const id of ruleIds) {
      await fetch(`${app.url}/api/routing-rules/${id}`, {
        method: 'DELETE',
        headers: auth(admin.token),
      })
    }
    return result
  })
}

const WEBHOOKS_SCENARIO = 'submit enquiry, 2 webhook endpoints'
/** Per connection level and round: deliveries expected and received, and their lag from change to receipt. */
const deliveryRuns = new Map<
  number,
  { expected: number; received: number; p50?: number | undefined; p99?: number | undefined }[]
>()

async function enquiryTotal(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/enquiries?page=1&limit=1`, { headers: auth(token) })
  return ((await response.json()) as { total: number }).total
}

/**
 * The same submits with two endpoints subscribed to every event, received by a real HTTP server
 * in this process; then every delivery is awaited (so that the next round starts with the outbox
 * drained), and its lag from the change to its receipt recorded. Compared with plain submit:
 * delivery must stay off the request path.
 */
async function measureWebhooks(bench: Bench, connections: number) {
  const { app, admin } = bench
  await pairedWithSubmit(bench, WEBHOOKS_SCENARIO, connections, async () => {
    const receiver = await startReceiver()
    const ids = await createEndpoints(app.url, admin.token, receiver.url, 2)
    const before = await enquiryTotal(app.url, admin.token)
    const result = await measure(WEBHOOKS_SCENARIO, 'app', app.child, submit(app.url, connections))
    const expected = 2 * ((await enquiryTotal(app.url, admin.token)) - before)
    const received = await waitForDeliveries(receiver, expected)
    const run = {
      expected,
      received,
      p50: percentile(receiver.lags, 0.5),
      p99: percentile(receiver.lags, 0.99),
    }
    deliveryRuns.set(connections, [...(deliveryRuns.get(connections) ?? []), run])
    log(
      `${WEBHOOKS_SCENARIO} c=${connections}: ${received} of ${expected} deliveries, lag p50 ${run.p50} ms p99 ${run.p99} ms`,
    )
    await deleteEndpoints(app.url, admin.token, ids)
    await receiver.close()
    return result
  })
}

async function measureClaims({ app, claimer }: Bench, connections: number) {
  await measure('claim distinct ids', 'app', app.child, {
    url: app.url,
    method: 'POST',
    path: '/api/enquiries/x/claim',
    pathsFile: join(tmp, 'claims.txt'),
    headers: auth(claimer.token),
    connections,
  })
}

async function measureLogin({ app }: Bench, connections: number) {
  await measure('login', 'app', app.child, {
    url: app.url,
    method: 'POST',
    path: '/api/auth/login',
    body: JSON.stringify({ email: 'counselor1@bench.example', password: BENCH_PASSWORD }),
    connections,
  })
}

/** The scenarios run at each connection level, in this order: reads first, then the writes that grow the tables. */
const PER_LEVEL: [string, (bench: Bench, connections: number) => Promise<void>][] = [
  ['pool', measurePoolPage1],
  ['deep', measureDeepPages],
  ['mine', measureMyEnquiries],
  ['submit', measureSubmit],
  ['routing', measureRouting],
  ['webhooks', measureWebhooks],
  ['claim', measureClaims],
  ['login', measureLogin],
]

async function measureRace({ app, claimer, raceId }: Bench) {
  await measure('claim one id, 100 connections', 'app', app.child, {
    url: app.url,
    method: 'POST',
    path: `/api/enquiries/${raceId}/claim`,
    headers: auth(claimer.token),
    connections: 100,
    amount: 100,
  })
}

async function measureLoginTimingInProcess() {
  loginTiming = await measureLoginTiming()
  log(
    `login, median: wrong password ${loginTiming.wrongPasswordMs.toFixed(0)} ms, unknown email ${loginTiming.unknownEmailMs.toFixed(0)} ms`,
  )
}

async function measureExport({ app, admin }: Bench) {
  exportRun = await timeExport(app.url, admin.token, app.child)
  log(
    `CSV export: ${exportRun.rows} rows in ${exportRun.seconds.toFixed(1)} s, peak RSS ${exportRun.peakRssMb.toFixed(0)} MB`,
  )
}

async function main(): Promise<void> {
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  build()
  const database = await createDatabase()
  const seeded = await seedDatabase(database.url)

  const claimIds = [...seeded.unclaimedIds]
  const raceId = claimIds.pop() ?? ''
  writeFileSync(
    join(tmp, 'claims.txt'),
    claimIds.map((id) => `/api/enquiries/${id}/claim`).join('\n'),
  )

  const app = await startApp(database.url)
  // The WAL each measurement writes, per request: said in the log (not on the embedded database).
  if (!database.url.startsWith('pglite://')) {
    walClient = new pg.Client({ connectionString: database.url })
    await walClient.connect()
  }
  const bench: Bench = {
    app,
    admin: await login(app.url, 'admin@bench.example'),
    busy: await login(app.url, 'busy@bench.example'),
    claimer: await login(app.url, 'claimer@bench.example'),
    listCounselor: await login(app.url, LIST_COUNSELOR_EMAIL),
    floors: await startFloors(database.url),
    page500Cursor: seeded.page500Cursor,
    raceId,
    databaseUrl: database.url,
  }
  await warmUp(bench)
  if (wants('lists')) await measureLists(bench)
  for (const connections of levels) {
    for (const [key, scenario] of PER_LEVEL) if (wants(key)) await scenario(bench, connections)
  }
  for (const floor of bench.floors) await stop(floor.child)
  if (wants('race')) await measureRace(bench)
  if (wants('storm')) await loginStorm(app.url, app.child)
  if (wants('login-timing')) await measureLoginTimingInProcess()
  if (wants('export')) await measureExport(bench)
  await stop(app.child)
  await walClient?.end()

  await database.drop()

  writeFileSync(
    args.out ?? join(root, 'bench', 'results.md'),
    report({
      postgresVersion: seeded.postgresVersion,
      seedSeconds: seeded.seedSeconds,
      embedded: args.embedded ?? false,
    }),
  )
  log(`wrote ${args.out}`)
}

type Find = (scenario: string, target: string, connections: number) => Row | undefined

/**
 * The paired scenarios' CPU per request, plain and variant, as medians over the rounds: it says
 * which process a variant's extra cost lands in. It moves less than req/s within a round, but the
 * shared machine's speed moves it between rounds too.
 */
function cpuLines(): string[] {
  const lines: string[] = []
  for (const [key, measured] of pairedRounds) {
    const sides = [
      ['plain submit', measured.map((round) => round.plainCpu)],
      ['variant', measured.map((round) => round.variantCpu)],
    ] as const
    for (const [side, cpus] of sides) {
      const known = cpus.filter((cpu): cpu is CpuPerRequest => cpu !== undefined)
      if (known.length === 0) continue
      const of = (pick: (cpu: CpuPerRequest) => number | undefined) => {
        const value = median(known.map(pick).filter((ms): ms is number => ms !== undefined))
        return value === undefined ? '–' : value.toFixed(2)
      }
      lines.push(
        `| ${key} | ${side} | ${of(cpuTotal)} | ${of((cpu) => cpu.server)} | ${of((cpu) => cpu.postgres)} | ${of((cpu) => cpu.load)} |`,
      )
    }
  }
  if (lines.length === 0) return []
  return [
    '',
    '## CPU per request in the paired rounds',
    '',
    'Medians over the rounds, in ms of CPU per request: the server process, the PostgreSQL backends it was connected to throughout (read from /proc, so only with the server on this machine), and the load generator, all on the same cores.',
    '',
    '| scenario and connections | side | total | server | PostgreSQL | load generator |',
    '|---|---|---:|---:|---:|---:|',
    ...lines,
  ]
}

/** The issue's targets, each checked against this run: holds, misses, or not measured. */
function targetLines(find: Find): string[] {
  const lines = ['## Targets', '', '| target | conns | measured | verdict |', '|---|---:|---|---|']
  const verdict = (ok: boolean | undefined) =>
    ok === undefined ? 'not measured' : ok ? 'holds' : '**misses**'
  const rps = (scenario: string, target: string, c: number) => find(scenario, target, c)?.result.rps
  for (const c of levels.filter((level) => level >= 10)) {
    for (const [scenario, minFull, minMinimal] of [
      ['submit enquiry', 0.7, 0.5],
      ['pool page 1', 0.7, 0.6],
    ] as const) {
      const app = rps(scenario, 'app', c)
      const full = rps(scenario, 'full', c)
      const minimal = rps(scenario, 'minimal', c)
      const ratios = app && full && minimal ? [app / full, app / minimal] : [undefined, undefined]
      const [vsFull, vsMinimal] = ratios
      lines.push(
        `| ${scenario} ≥ ${minFull}× (a), ≥ ${minMinimal}× (a′) | ${c} | ${vsFull?.toFixed(2) ?? '–'}×, ${vsMinimal?.toFixed(2) ?? '–'}× | ${rows === 100_000 ? verdict(vsFull === undefined || vsMinimal === undefined ? undefined : vsFull >= minFull && vsMinimal >= minMinimal) : 'for reference: this target is set at 100,000 rows'} |`,
      )
    }
    for (const [scenario, target, minimum] of [
      [ROUTING_SCENARIO, 'submit with routing off', 0.85],
      [WEBHOOKS_SCENARIO, 'submit with none', 0.9],
    ] as const) {
      const median = medianRatio(scenario, c)
      const each = roundRatios(scenario, c)
        .map((ratio) => ratio.toFixed(2))
        .join(', ')
      lines.push(
        `| ${scenario} ≥ ${minimum}× ${target} (median of paired rounds) | ${c} | ${median?.toFixed(2) ?? '–'}× (rounds: ${each || '–'}) | ${verdict(median === undefined ? undefined : median >= minimum)} |`,
      )
    }
    const deliveries = deliveryRuns.get(c) ?? []
    const received = deliveries.reduce((sum, run) => sum + run.received, 0)
    const expected = deliveries.reduce((sum, run) => sum + run.expected, 0)
    const lags = deliveries.map((run) => `${run.p50 ?? '–'} / ${run.p99 ?? '–'}`).join('; ')
    lines.push(
      `| ${WEBHOOKS_SCENARIO}: every delivery received (events still in the outbox when the endpoints were made count too); lag from change to receipt (p50 / p99 ms per round, reported) | ${c} | ${deliveries.length ? `${received} of ${expected}; ${lags}` : '–'} | ${verdict(deliveries.length ? received >= expected : undefined)} |`,
    )
    const page1 = find('pool page 1', 'app', c)?.result.p99
    for (const deep of ['pool page 500 by offset', 'pool page 500 by cursor']) {
      const p99 = find(deep, 'app', c)?.result.p99
      lines.push(
        `| ${deep}: p99 ≤ 2 × page 1's | ${c} | ${p99 ?? '–'} ms vs ${page1 ?? '–'} ms | ${verdict(p99 === undefined || !page1 ? undefined : p99 <= 2 * page1)} |`,
      )
    }
  }
  if (rows >= 1_000_000) {
    const p99 = find('pool page 1', 'app', 10)?.result.p99
    lines.push(
      `| pool page 1 p99 < 50 ms at ${rows.toLocaleString('en')} rows | 10 | ${p99 ?? '–'} ms | ${verdict(p99 === undefined ? undefined : p99 < 50)} |`,
    )
  }
  const health = find('health during a login storm (20 conns)', 'app', 10)?.result.p99
  lines.push(
    `| /health p99 < 40 ms during a login storm | 10 | ${health ?? '–'} ms | ${verdict(health === undefined ? undefined : health < 40)} |`,
  )
  const timing = loginTiming
  lines.push(
    `| login: an unknown email ≥ 0.5× the time of a wrong password (no account enumeration by timing) | 1 | ${timing ? `${timing.unknownEmailMs.toFixed(0)} ms vs ${timing.wrongPasswordMs.toFixed(0)} ms` : '–'} | ${verdict(timing && timing.unknownEmailMs >= 0.5 * timing.wrongPasswordMs)} |`,
  )
  const unexpected = results.flatMap(({ scenario, result }) =>
    Object.keys(result.statuses)
      .filter((status) => !/^2\d\d$/.test(status) && status !== '409')
      .map((status) => `${scenario}: ${status}`),
  )
  const errors = results.reduce((sum, { result }) => sum + result.errors, 0)
  lines.push(
    `| only 2xx and 409 responses, no errors | all | ${unexpected.length === 0 && errors === 0 ? 'none other' : `${unexpected.join(', ')}; ${errors} errors`} | ${verdict(unexpected.length === 0 && errors === 0)} |`,
  )
  const peak = Math.max(
    ...results.filter((row) => row.target === 'app').map((row) => row.peakRssMb ?? 0),
    exportRun?.peakRssMb ?? 0,
  )
  lines.push(`| peak RSS < 250 MB | all | ${peak.toFixed(0)} MB | ${verdict(peak < 250)} |`)
  return lines
}

/**
 * The lists scenario's table: each list's total, latency and verdict against the issue's target
 * (p99 under 50 ms on PostgreSQL at a million rows, under 100 ms on the embedded database).
 */
function listLines(find: Find, embedded: boolean): string[] {
  if (!wants('lists')) return []
  const ceiling = embedded ? 100 : 50
  const targeted = embedded ? rows >= 100_000 : rows >= 1_000_000
  const lines = [
    '',
    `## Lists (${LIST_CONNECTIONS} connections)`,
    '',
    `Target: p99 < ${ceiling} ms${targeted ? '' : ` (set at ${embedded ? '100,000' : '1,000,000'} rows; for reference here)`}. Plans: ${embedded ? 'not taken on the embedded database' : `bench/plans-lists-${rows}.md (or --lists-plans)`}.`,
    '',
    '| list | total | req/s | p50 ms | p99 ms | verdict |',
    '|---|---:|---:|---:|---:|---|',
  ]
  for (const list of LIST_CASES) {
    const measured = find(`${LIST_PREFIX}${list.label}`, 'app', LIST_CONNECTIONS)?.result
    const total = listTotals.get(list.label)
    // autocannon gives up on a request after 10 s; latencies are of the requests answered.
    const unanswered = measured !== undefined && (measured.requests === 0 || measured.errors > 0)
    const verdict =
      measured === undefined
        ? 'not measured'
        : !list.targeted || !targeted
          ? 'for reference'
          : measured.p99 < ceiling && !unanswered
            ? 'holds'
            : '**misses**'
    const latency = (ms: number | undefined) =>
      measured?.requests === 0 ? '> 10,000' : (ms?.toLocaleString('en') ?? '–')
    lines.push(
      `| ${list.label} | ${total?.toLocaleString('en') ?? '–'} | ${measured?.rps.toFixed(0) ?? '–'} | ${latency(measured?.p50)} | ${latency(measured?.p99)}${measured?.errors ? ` (${measured.errors} timed out)` : ''} | ${verdict} |`,
    )
  }
  return lines
}

function report(context: {
  postgresVersion: string
  seedSeconds: number
  embedded: boolean
}): string {
  const find = (scenario: string, target: string, connections: number) =>
    results.find(
      (r) => r.scenario === scenario && r.target === target && r.connections === connections,
    )
  const ratio = (app: number, floor: number | undefined) =>
    floor ? `${(app / floor).toFixed(2)}×` : '–'
  const lines = [
    '# Benchmark results',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- --rows ${rows}${context.embedded ? ' --embedded' : ''}\`: ${duration} s per measurement after ${warmup} s of warm-up; autocannon in its own process.`,
    '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; ${context.postgresVersion}. Seeding ${rows} enquiries took ${context.seedSeconds.toFixed(1)} s.`,
    '',
    'Ceilings, in separate processes on the same database: **(a)** bare Fastify + raw pg issuing the same SQL statements the app issues (auth look-up, the insert with its activity entry in one statement); **(a′)** the least SQL (one INSERT; the page with its total); **(b)** a constant.',
    '',
    '| scenario | conns | app req/s | vs (a) | vs (a′) | (b) req/s | p50 ms | p99 ms | statuses | errors | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
  ]
  for (const row of results.filter(
    (r) => r.target === 'app' && !r.scenario.startsWith(LIST_PREFIX),
  )) {
    const full = find(row.scenario, 'full', row.connections)?.result.rps
    const minimal = find(row.scenario, 'minimal', row.connections)?.result.rps
    const constant = find(row.scenario, 'constant', row.connections)?.result.rps
    lines.push(
      `| ${row.scenario} | ${row.connections} | ${row.result.rps.toFixed(0)} | ${ratio(row.result.rps, full)} | ${ratio(row.result.rps, minimal)} | ${constant ? constant.toFixed(0) : '–'} | ${row.result.p50} | ${row.result.p99} | ${Object.entries(
        row.result.statuses,
      )
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')} | ${row.result.errors} | ${row.peakRssMb?.toFixed(0) ?? '–'} |`,
    )
  }
  lines.push('', ...targetLines(find), ...cpuLines(), ...listLines(find, context.embedded))
  if (exportRun) {
    lines.push(
      '',
      `CSV export of every enquiry: ${exportRun.rows} rows (${(exportRun.bytes / 2 ** 20).toFixed(1)} MiB) in ${exportRun.seconds.toFixed(1)} s; server peak RSS during it ${exportRun.peakRssMb.toFixed(0)} MB.`,
    )
  }
  lines.push(
    '',
    '## Ceilings',
    '',
    '| scenario | target | conns | req/s | p50 ms | p99 ms |',
    '|---|---|---:|---:|---:|---:|',
  )
  for (const row of results.filter((r) => r.target !== 'app')) {
    lines.push(
      `| ${row.scenario} | ${row.target} | ${row.connections} | ${row.result.rps.toFixed(0)} | ${row.result.p50} | ${row.result.p99} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
