// The load generator, run as its own process so that it never competes with the measured server
// for the same event loop: `node --import tsx bench/load.ts '<json scenario>'`; prints a JSON result.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

export interface LoadScenario {
  url: string
  method: 'GET' | 'POST'
  path: string
  connections: number
  durationSeconds: number
  headers?: Record<string, string>
  /** A JSON body; `[<id>]` in it becomes a unique string of digits per request. */
  body?: string
  /** A file with one path per line: each request takes the next one (claims on distinct ids). */
  pathsFile?: string
  /** Where in that file to start (the paths earlier runs used up). */
  pathsOffset?: number
  /** Stop after this many requests instead of after the duration. */
  amount?: number
}

export interface LoadResult {
  requests: number
  /** CPU time this load generator used while it ran (user and system), in ms. */
  cpuMs: number
  rps: number
  p50: number
  p99: number
  statuses: Record<string, number>
  errors: number
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as LoadScenario
const paths = scenario.pathsFile
  ? readFileSync(scenario.pathsFile, 'utf8').split('\n').filter(Boolean)
  : undefined
let next = scenario.pathsOffset ?? 0
let unique = 0

const statuses: Record<string, number> = {}
const cpuAtStart = process.cpuUsage()
const instance = autocannon(
  {
    url: scenario.url,
    connections: scenario.connections,
    ...(scenario.amount ? { amount: scenario.amount } : { duration: scenario.durationSeconds }),
    requests: [
      {
        method: scenario.method,
        path: scenario.path,
        headers: {
          ...(scenario.body ? { 'content-type': 'application/json' } : {}),
          ...scenario.headers,
        },
        setupRequest: (request) => {
          const path = paths ? (paths[next++ % paths.length] ?? scenario.path) : scenario.path
          const body = scenario.body?.replaceAll('[<id>]', `${process.pid}${unique++}`)
          return { ...request, path, ...(body ? { body } : {}) }
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error
    const cpu = process.cpuUsage(cpuAtStart)
    const output: LoadResult = {
      requests: result.requests.total,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      statuses,
      errors: result.errors + result.timeouts,
    }
    process.stdout.write(JSON.stringify(output))
  },
)
instance.on('response', (_client: unknown, statusCode: number) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
})
