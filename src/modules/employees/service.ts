import type { Db } from '../../db/client.js'
import type { EmployeeRole } from '../../db/schema/index.js'
import { AppError } from '../../errors.js'
import { hashPassword } from '../../passwords.js'
import { StartupError } from '../../startup-failure.js'
import { recordEmployeeEvent } from '../events/service.js'
import {
  countActiveAdmins,
  type Employee,
  type EmployeeRef,
  findEmployeeById,
  findEmployeeRef,
  findEmployeeWithHashByEmail,
  findEmployeeWithHashById,
  insertEmployee,
  lockAdminChanges,
  recordLogin,
  replacePassword,
  setEmailNotificationsOf,
  shareLockActiveEmployee,
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
  if (changes.name === undefined && changes.role === undefined && changes.isActive === undefined) {
    throw new AppError('NOTHING_TO_CHANGE')
  }
  return db.transaction(async (tx) => {
    const target = await findEmployeeById(tx, id)
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
    if (deactivating) {
      await onDeactivated(tx, { _id: target.id, name: target.name, email: target.email })
      await recordEmployeeEvent(tx, 'employee.deactivated', target.id, actor.id)
    }
    return updated
  })
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
  findEmployeeRef,
  findEmployeeWithHashByEmail,
  findEmployeeWithHashById,
  insertEmployee,
  recordLogin,
  replacePassword,
  shareLockActiveEmployee,
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
    const promoted = await updateEmployee(db, existing.id, { role: 'admin', isActive: true })
    if (input.password) await replacePassword(db, existing.id, await hashPassword(input.password))
    if (!promoted) throw new AppError('EMPLOYEE_NOT_FOUND')
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
