import type { Db } from '../../db/client.js'
import type { EmployeeRole } from '../../db/schema/index.js'
import { AppError } from '../../errors.js'
import { hashPassword } from '../../passwords.js'
import { StartupError } from '../../startup-failure.js'
import { recordAudit } from '../audit/service.js'
import { recordEmployeeEvent } from '../events/service.js'
import {
  type Capacity,
  countActiveAdmins,
  countOpenLeadsOf,
  type Employee,
  type EmployeeRef,
  findEmployeeById,
  findEmployeeRef,
  findEmployeeWithHashByEmail,
  findEmployeeWithHashById,
  findRolesOf,
  insertEmployee,
  lockAdminChanges,
  lockCapacityOf,
  lockEmployee,
  recordLogin,
  replacePassword,
  setEmailNotificationsOf,
  updateEmployee,
} from './repository.js'

/**
 * Creates the admin named by ADMIN_* unless an employee already has that email. Never overwrites:
 * an existing account keeps its password and role. Safe when several instances start at once.
 */
export async function ensureBootstrapAdmin(
  db: Db,
  admin: { email: string; password: string; name: string },
): Promise<boolean> {
  const email = admin.email.trim().toLowerCase()
  if (await findEmployeeWithHashByEmail(db, email)) return false
  const created = await insertEmployee(db, {
    name: admin.name.trim(),
    email,
    passwordHash: await hashPassword(admin.password),
    role: 'admin',
  })
  return created !== undefined
}

/** Whether anyone can administer the team yet; the start-up log says how to create the first. */
export async function hasActiveAdmin(db: Db): Promise<boolean> {
  return (await countActiveAdmins(db)) > 0
}

export interface EmployeeChanges {
  name?: string
  role?: EmployeeRole
  isActive?: boolean
  maxOpenLeads?: number | null
}

/**
 * An admin edits an employee. Deactivating logs them out everywhere and returns their open leads
 * to the pool in the same transaction; nobody may deactivate or demote themselves, and the last
 * active admin always stays.
 */
export async function updateEmployeeAsAdmin(
  db: Db,
  id: string,
  changes: EmployeeChanges,
  actor: Pick<Employee, 'id'>,
  /** Runs in the deactivating transaction: the enquiries module gives their open leads back. */
  onDeactivated: (tx: Db, employee: EmployeeRef) => Promise<unknown>,
): Promise<Employee> {
  if (Object.values(changes).every((value) => value === undefined)) {
    throw new AppError('NOTHING_TO_CHANGE')
  }
  return db.transaction(async (tx) => {
    // Locked, so that what the audit log records as the change's "from" is what it changed.
    const target = await lockEmployee(tx, id)
    if (!target) throw new AppError('EMPLOYEE_NOT_FOUND')
    const demoting = changes.role === 'counselor' && target.role === 'admin'
    const deactivating = changes.isActive === false && target.isActive
    if (id === actor.id && (demoting || deactivating)) {
      throw new AppError('CANNOT_CHANGE_SELF')
    }
    if (target.role === 'admin' && target.isActive && (demoting || deactivating)) {
      await lockAdminChanges(tx)
      if ((await countActiveAdmins(tx)) <= 1) {
        throw new AppError('LAST_ADMIN')
      }
    }
    const updated = await updateEmployee(tx, id, { ...changes, revokeTokens: deactivating })
    if (!updated) throw new AppError('EMPLOYEE_NOT_FOUND')
    const employee = { _id: target.id, name: target.name, email: target.email }
    if (deactivating) {
      await onDeactivated(tx, employee)
      await recordEmployeeEvent(tx, 'employee.deactivated', target.id, actor.id)
    }
    await auditAccessChanges(tx, target, updated, actor.id)
    return updated
  })
}

/** One audit entry for a change of role, one for a change of activation (a rename is not audited). */
async function auditAccessChanges(
  tx: Db,
  before: Employee,
  after: Employee,
  actorId: string | null,
  via?: string,
): Promise<void> {
  const employee = { _id: before.id, name: before.name, email: before.email }
  const how = via ? { via } : {}
  if (after.role !== before.role) {
    await recordAudit(tx, {
      action: 'employee.role_changed',
      actorId,
      details: { employee, from: before.role, to: after.role, ...how },
    })
  }
  if (after.isActive !== before.isActive) {
    await recordAudit(tx, {
      action: after.isActive ? 'employee.reactivated' : 'employee.deactivated',
      actorId,
      details: { employee, ...how },
    })
  }
}

/** A counselor away (holiday, training) stops receiving routed leads; back, they resume. */
export async function setAvailability(db: Db, id: string, available: boolean): Promise<Employee> {
  const updated = await updateEmployee(db, id, { available })
  if (!updated) throw new AppError('EMPLOYEE_NOT_FOUND')
  return updated
}

export type EmployeeFields = Omit<Employee, 'tokenVersion' | 'emailNotifications'>

/** An employee's fields as the API shows them (the team list, GET /api/auth/me). */
export const toEmployeeFieldsView = (employee: EmployeeFields) => ({
  id: employee.id,
  name: employee.name,
  email: employee.email,
  role: employee.role,
  isActive: employee.isActive,
  lastLogin: employee.lastLogin?.toISOString() ?? null,
  available: employee.available,
  maxOpenLeads: employee.maxOpenLeads,
  createdAt: employee.createdAt.toISOString(),
})

/** An employee turns email notifications on or off for themselves. */
export async function setEmailNotifications(
  db: Db,
  id: string,
  enabled: boolean,
): Promise<Employee> {
  const employee = await setEmailNotificationsOf(db, id, enabled)
  if (!employee) throw new AppError('EMPLOYEE_NOT_FOUND')
  return employee
}

export async function getEmployee(db: Db, id: string): Promise<Employee> {
  const employee = await findEmployeeById(db, id)
  if (!employee) throw new AppError('EMPLOYEE_NOT_FOUND')
  return employee
}

/** The employee a token names, as the database holds them now (for the auth plugin). */
export const findCaller = (db: Db, id: string) => findEmployeeById(db, id)

export type { Employee }
// What other modules use of the team's records, through this module's service.
export {
  type Capacity,
  countOpenLeadsOf,
  findEmployeeRef,
  findEmployeeWithHashByEmail,
  findEmployeeWithHashById,
  findRolesOf,
  insertEmployee,
  lockCapacityOf,
  recordLogin,
  replacePassword,
}

/**
 * For `npm run create-admin`: creates the admin, or promotes and reactivates the employee who has
 * that email (replacing the password only when one is given).
 */
export async function createOrPromoteAdmin(
  db: Db,
  input: { email: string; name: string; password: string | undefined },
): Promise<{ employee: Employee; created: boolean }> {
  const email = input.email.trim().toLowerCase()
  const existing = await findEmployeeWithHashByEmail(db, email)
  if (existing) {
    const passwordHash = input.password ? await hashPassword(input.password) : undefined
    const promoted = await db.transaction(async (tx) => {
      const before = await lockEmployee(tx, existing.id)
      const after = await updateEmployee(tx, existing.id, { role: 'admin', isActive: true })
      if (!before || !after) throw new AppError('EMPLOYEE_NOT_FOUND')
      if (passwordHash) await replacePassword(tx, existing.id, passwordHash)
      await auditAccessChanges(tx, before, after, null, 'create-admin')
      return after
    })
    return { employee: promoted, created: false }
  }
  if (!input.password) throw new StartupError('A password is needed to create a new admin')
  const created = await insertEmployee(db, {
    name: input.name.trim(),
    email,
    passwordHash: await hashPassword(input.password),
    role: 'admin',
  })
  if (!created) return createOrPromoteAdmin(db, input) // registered meanwhile: promote instead
  return { employee: created, created: true }
}
