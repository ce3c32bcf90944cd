import type { Static } from 'typebox'
import type { Db } from '../../db/client.js'
import { AppError, validationFailed } from '../../errors.js'
import { hashPassword, isLegacyHash, verifyAgainstDummy, verifyPassword } from '../../passwords.js'
import {
  type Employee,
  findEmployeeWithHashByEmail,
  findEmployeeWithHashById,
  insertEmployee,
  recordLogin,
  replacePassword,
  setAvailability,
  setEmailNotifications,
} from '../employees/service.js'

export { toEmployeeFieldsView } from '../employees/service.js'

import type { Lockout } from './lockout.js'
import type { ChangePasswordBody, LoginBody, RegisterBody } from './schemas.js'

export interface RegistrationPolicy {
  allowPublicRegistration: boolean
}

/**
 * Anyone may register a counselor while public registration is on; an admin account, or any
 * account when it is off, needs an admin to register it.
 */
export async function registerEmployee(
  db: Db,
  policy: RegistrationPolicy,
  input: Static<typeof RegisterBody>,
  caller: Employee | undefined,
): Promise<Employee> {
  const role = input.role ?? 'counselor'
  const callerIsAdmin = caller?.role === 'admin'
  if (!callerIsAdmin) {
    if (role === 'admin') throw new AppError('ADMIN_ONLY', 'Only an admin may register an admin')
    if (!policy.allowPublicRegistration) {
      throw new AppError('REGISTRATION_CLOSED')
    }
  }
  const employee = await insertEmployee(db, {
    name: input.name,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    role,
  })
  if (!employee) throw new AppError('EMAIL_TAKEN')
  return employee
}

/** Counted per account and client address: see Lockout. */
export async function logIn(
  db: Db,
  lockout: Lockout,
  input: Static<typeof LoginBody>,
  clientAddress: string,
): Promise<Employee> {
  const account = input.email.toLowerCase()
  const { allowed, retryAfterSeconds } = await lockout.attempt(account, clientAddress)
  if (!allowed) {
    throw new AppError(
      'ACCOUNT_LOCKED',
      'Too many failed logins for this account from your address, please try again later',
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    )
  }
  const found = await findEmployeeWithHashByEmail(db, input.email)
  if (!found) {
    await verifyAgainstDummy(input.password)
    throw new AppError('INVALID_CREDENTIALS')
  }
  if (!(await verifyPassword(found.passwordHash, input.password))) {
    throw new AppError('INVALID_CREDENTIALS')
  }
  await lockout.succeeded(account, clientAddress)
  if (!found.isActive) throw new AppError('ACCOUNT_DEACTIVATED')
  const upgradedHash = isLegacyHash(found.passwordHash)
    ? await hashPassword(input.password)
    : undefined
  const employee = await recordLogin(db, found.id, upgradedHash)
  if (!employee) throw new AppError('INVALID_CREDENTIALS') // deleted meanwhile
  return employee
}

/**
 * A new password revokes every token issued before it; the caller gets a fresh one. Wrong current
 * passwords are limited like logins (per employee and client address), so a stolen token cannot
 * be used to guess the password.
 */
export async function changePassword(
  db: Db,
  lockout: Lockout,
  employeeId: string,
  input: Static<typeof ChangePasswordBody>,
  clientAddress: string,
): Promise<Employee> {
  const { allowed, retryAfterSeconds } = await lockout.attempt(employeeId, clientAddress)
  if (!allowed) {
    throw new AppError(
      'ACCOUNT_LOCKED',
      'Too many wrong current passwords, please try again later',
      {
        headers: { 'retry-after': String(retryAfterSeconds) },
      },
    )
  }
  const found = await findEmployeeWithHashById(db, employeeId)
  if (!found || !(await verifyPassword(found.passwordHash, input.currentPassword))) {
    throw new AppError('CURRENT_PASSWORD_INCORRECT', undefined, {
      errors: [{ field: 'currentPassword', message: 'is incorrect' }],
    })
  }
  await lockout.succeeded(employeeId, clientAddress)
  if (input.currentPassword === input.newPassword) {
    throw new AppError('PASSWORD_UNCHANGED', undefined, {
      errors: [{ field: 'newPassword', message: 'must differ from the current password' }],
    })
  }
  const employee = await replacePassword(db, employeeId, await hashPassword(input.newPassword))
  if (!employee) throw new AppError('UNAUTHENTICATED')
  return employee
}

/** Your own settings: whether routing may give you new leads. */
/** An employee's own settings: availability for routed leads, email notifications. */
export async function updateMe(
  db: Db,
  id: string,
  changes: { available?: boolean | undefined; notifications?: { email: boolean } | undefined },
): Promise<Employee> {
  return db.transaction(async (tx) => {
    let employee: Employee | undefined
    if (changes.available !== undefined) employee = await setAvailability(tx, id, changes.available)
    if (changes.notifications !== undefined) {
      employee = await setEmailNotifications(tx, id, changes.notifications.email)
    }
    if (!employee) {
      const message = 'send available or notifications'
      throw validationFailed(`Validation failed: ${message}`, [{ field: 'body', message }])
    }
    return employee
  })
}
