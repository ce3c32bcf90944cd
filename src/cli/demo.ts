import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { DatabaseInUseError, holderName } from '../db/embedded-lock.js'
import { addDemoData, type DemoOutcome } from '../modules/demo/service.js'
import { oneLineMessage, StartupError } from '../startup-failure.js'

const USAGE = 'Usage: npm run demo [-- --force]'

function readOptions(): { force: boolean } {
  try {
    return parseArgs({ options: { force: { type: 'boolean', default: false } } }).values
  } catch (error) {
    throw new StartupError(`${(error as Error).message}. ${USAGE}`)
  }
}

function report({ enquiries, byStatus, notes, activity, logins }: DemoOutcome): void {
  const statuses = Object.entries(byStatus)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ')
  console.log(
    `Added ${enquiries} demo enquiries (${statuses}) with ${notes} notes and ${activity} activity entries.`,
  )
  console.log('Log in as:')
  const width = Math.max(...logins.map((login) => login.email.length))
  for (const login of logins) {
    const password = login.password ?? '(existing account: its password is unchanged)'
    console.log(`  ${login.role.padEnd(9)}  ${login.email.padEnd(width)}  ${password}`)
  }
}

async function main(): Promise<void> {
  const { force } = readOptions()
  const database = await openDatabase(loadConfig().database)
  try {
    await database.migrate()
    report(await addDemoData(database.db, { force }))
  } finally {
    await database.close()
  }
}

function describeFailure(error: unknown): unknown {
  if (error instanceof DatabaseInUseError) {
    return `Cannot add demo data while the embedded database at ${error.dataDir} is open in ${holderName(error.holder)} (the server?): stop it and run this again.`
  }
  return oneLineMessage(error) ?? error
}

main().catch((error: unknown) => {
  console.error(describeFailure(error))
  process.exit(1)
})
