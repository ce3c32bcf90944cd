import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { type ImportFiles, importMongoData } from '../modules/migration/mongo-import.js'
import { oneLineMessage, StartupError } from '../startup-failure.js'

const USAGE =
  'Usage: npm run import:mongo -- [--employees employees.json] [--enquiries enquiries.json] [--skip-invalid]'

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      employees: { type: 'string' },
      enquiries: { type: 'string' },
      'skip-invalid': { type: 'boolean', default: false },
    },
  })
  if (!values.employees && !values.enquiries) throw new StartupError(USAGE)
  const files: ImportFiles = {}
  for (const kind of ['employees', 'enquiries'] as const) {
    const path = values[kind]
    if (path) files[kind] = { name: basename(path), text: await readFile(path, 'utf8') }
  }

  const database = await openDatabase(loadConfig().database)
  try {
    await database.migrate()
    const report = await importMongoData(database.db, files, {
      skipInvalid: values['skip-invalid'],
    })
    for (const line of report.mapped) console.log(`mapped   ${line}`)
    for (const line of report.skipped) console.log(`skipped  ${line}`)
    for (const line of report.errors) console.error(`invalid  ${line}`)
    const { employees, enquiries, notes } = report.imported
    console.log(
      `read ${report.read}, imported ${employees} employees, ${enquiries} enquiries and ${notes} notes, ` +
        `already present ${report.alreadyPresent}, skipped ${report.skipped.length}, mapped ${report.mapped.length}`,
    )
    if (report.errors.length > 0) {
      console.error('Nothing was imported: fix the records above, or run again with --skip-invalid')
      return 1
    }
    return 0
  } finally {
    await database.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(oneLineMessage(error) ?? error)
    process.exit(1)
  },
)
