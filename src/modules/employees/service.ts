import type { Db } from '../../db/client.js'
import { hashPassword } from '../auth/passwords.js'
import { findEmployeeWithHashByEmail, insertEmployee } from './repository.js'

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
