import type { Db } from '../../db/client.js'
import type { Employee } from '../../db/schema/index.js'
import { type EnquiryStatus, enquiryStatuses } from '../../db/schema/index.js'
import { StartupError } from '../../startup-failure.js'
import { registerEmployee } from '../auth/service.js'
import { createOrPromoteAdmin } from '../employees/service.js'
import { DEMO_ADMIN, DEMO_COUNSELORS, DEMO_PASSWORD } from './content.js'
import { type DemoTeam, type Person, planDemoPipeline } from './plan.js'
import { countEnquiries, findEmployeesByEmail, insertPipeline } from './repository.js'

const DEMO_SEED = 2026

export interface DemoLogin {
  role: 'admin' | 'counselor'
  name: string
  email: string
  /** Undefined when the account already existed: it keeps the password it has. */
  password: string | undefined
}

export interface DemoOutcome {
  logins: DemoLogin[]
  byStatus: Record<EnquiryStatus, number>
  enquiries: number
  notes: number
  activity: number
}

/** The database already holds enquiries and the caller did not say to add to them. */
export class DemoDataRefusedError extends StartupError {}

const personOf = (employee: Pick<Employee, 'id' | 'name' | 'email'>): Person => ({
  _id: employee.id,
  name: employee.name,
  email: employee.email,
})

/**
 * Fills the database with a demo team and a pipeline of enquiries, in one transaction. A database
 * that already holds enquiries is refused unless `force`; then the demo is added beside them
 * (nothing is ever changed or deleted but the demo accounts, which are created or reactivated).
 */
export async function addDemoData(
  db: Db,
  options: { force?: boolean; enquiries?: number; now?: Date } = {},
): Promise<DemoOutcome> {
  return db.transaction(async (tx) => {
    const existing = await countEnquiries(tx)
    if (existing > 0 && !options.force) {
      throw new DemoDataRefusedError(
        `The database already holds ${existing} ${existing === 1 ? 'enquiry' : 'enquiries'}, so no demo data was added; run \`npm run demo -- --force\` to add it beside them.`,
      )
    }
    const { team, logins } = await ensureDemoTeam(tx)
    const pipeline = planDemoPipeline({
      // The first demo on an empty database is always the same; a forced one adds other people.
      seed: DEMO_SEED + existing,
      count: options.enquiries ?? 300,
      firstNumber: existing + 1,
      now: options.now ?? new Date(),
      team,
    })
    const written = await insertPipeline(tx, pipeline)
    const byStatus = Object.fromEntries(enquiryStatuses.map((status) => [status, 0])) as Record<
      EnquiryStatus,
      number
    >
    for (const status of written.statuses) byStatus[status] += 1
    return {
      logins,
      byStatus,
      enquiries: written.statuses.length,
      notes: written.notes,
      activity: written.activity,
    }
  })
}

/** The demo admin and counselors: created with the demo password, or kept as they are. */
async function ensureDemoTeam(db: Db): Promise<{ team: DemoTeam; logins: DemoLogin[] }> {
  const known = await findEmployeesByEmail(db, [
    DEMO_ADMIN.email,
    ...DEMO_COUNSELORS.map((counselor) => counselor.email),
  ])
  const passwordFor = (email: string) => (known.has(email) ? undefined : DEMO_PASSWORD)
  const { employee: admin } = await createOrPromoteAdmin(db, {
    ...DEMO_ADMIN,
    password: passwordFor(DEMO_ADMIN.email),
  })
  const logins: DemoLogin[] = [
    { role: 'admin', name: admin.name, email: admin.email, password: passwordFor(admin.email) },
  ]
  const counselors: DemoTeam['counselors'] = []
  for (const { name, email, share, conversionRate } of DEMO_COUNSELORS) {
    const existing = known.get(email)
    const person = existing
      ? { _id: existing._id, name: existing.name, email: existing.email }
      : personOf(
          await registerEmployee(
            db,
            { allowPublicRegistration: false },
            { name, email, password: DEMO_PASSWORD, role: 'counselor' },
            admin,
          ),
        )
    logins.push({ role: 'counselor', name: person.name, email, password: passwordFor(email) })
    // A deactivated counselor holds no open leads, so gets none.
    if (existing?.isActive !== false) counselors.push({ person, share, conversionRate })
  }
  if (counselors.length === 0) {
    throw new StartupError('Every demo counselor is deactivated: reactivate one to add demo data')
  }
  return { team: { admin: personOf(admin), counselors }, logins }
}
