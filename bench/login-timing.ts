import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { insertEmployee } from '../src/modules/employees/repository.js'
import { hashPassword } from '../src/passwords.js'

/**
 * Whether a login with an unknown email costs about as much as one with a wrong password (a hash
 * is verified either way, so response times do not tell which emails have accounts). Measured in
 * process on an in-memory database: the medians of interleaved attempts.
 */
export async function measureLoginTiming(attempts = 15) {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      DATABASE_URL: 'memory://',
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT_MAX: '1000000',
      RATE_LIMIT_MAX_REQUESTS: '1000000',
      LOGIN_MAX_FAILURES: '1000000',
      LOGIN_ACCOUNT_MAX_FAILURES: '1000000',
    },
    undefined,
  )
  const database = await openDatabase(config.database)
  const app = await buildApp(config, { database })
  await app.ready()
  try {
    const email = 'timing@example.com'
    await insertEmployee(app.db, {
      name: 'Timing',
      email,
      passwordHash: await hashPassword('the right password'),
      role: 'counselor',
    })
    const time = async (address: string) => {
      const start = performance.now()
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: address, password: 'not the password' },
      })
      if (response.statusCode !== 401) throw new Error(`login answered ${response.statusCode}`)
      return performance.now() - start
    }
    const wrong: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < attempts; i++) {
      wrong.push(await time(email))
      unknown.push(await time(`nobody-${i}@example.com`))
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0
    return { wrongPasswordMs: median(wrong), unknownEmailMs: median(unknown) }
  } finally {
    await app.close()
  }
}
