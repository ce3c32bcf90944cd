import { parseArgs } from 'node:util'
import { read } from 'read'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { DatabaseInUseError, holderName } from '../db/embedded-lock.js'
import { createOrPromoteAdmin } from '../modules/employees/service.js'
import { oneLineMessage, StartupError } from '../startup-failure.js'

const USAGE = 'Usage: npm run create-admin -- --email EMAIL --name NAME [--password PASSWORD]'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
  })
  const email = values.email?.trim()
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new StartupError(`A valid --email is required. ${USAGE}`)
  const name = values.name?.trim() || 'Administrator'
  if (name.length < 2 || name.length > 100)
    throw new StartupError('--name must be 2 to 100 characters')

  let password = values.password
  if (password === undefined && process.stdin.isTTY) {
    password = String(
      await read({
        prompt: 'Password (empty keeps the current one): ',
        silent: true,
        replace: '*',
      }),
    )
    if (password === '') password = undefined
  }
  if (password !== undefined && (password.length < 8 || password.length > 128)) {
    throw new StartupError('The password must be 8 to 128 characters')
  }

  const config = loadConfig()
  const database = await openDatabase(config.database)
  try {
    await database.migrate()
    const { employee, created } = await createOrPromoteAdmin(database.db, { email, name, password })
    console.log(`${created ? 'Created' : 'Promoted'} admin ${employee.email} (${employee.id})`)
  } finally {
    await database.close()
  }
}

/** The one line to print, or the whole error when it is not one an operator can fix. */
function describeFailure(error: unknown): unknown {
  if (error instanceof DatabaseInUseError) {
    return `Cannot create the admin while the embedded database at ${error.dataDir} is open in ${holderName(error.holder)} (the server?): stop the server and run this again, or start the server with ADMIN_EMAIL and ADMIN_PASSWORD set to create the first admin.`
  }
  return oneLineMessage(error) ?? error
}

main().catch((error: unknown) => {
  console.error(describeFailure(error))
  process.exit(1)
})
