import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { type EmployeeRole, type EmployeeRow, employees } from '../../db/schema/index.js'

/** The columns that may leave the server: never the password hash. */
const publicColumns = {
  id: employees.id,
  name: employees.name,
  email: employees.email,
  role: employees.role,
  isActive: employees.isActive,
  tokenVersion: employees.tokenVersion,
  lastLogin: employees.lastLogin,
  createdAt: employees.createdAt,
}
export type Employee = Omit<EmployeeRow, 'passwordHash' | 'updatedAt'>

export interface NewEmployee {
  name: string
  email: string
  passwordHash: string
  role: EmployeeRole
}

export async function findEmployeeById(db: Db, id: string): Promise<Employee | undefined> {
  const [row] = await db.select(publicColumns).from(employees).where(eq(employees.id, id))
  return row
}

export async function findEmployeeWithHashByEmail(
  db: Db,
  email: string,
): Promise<EmployeeRow | undefined> {
  const [row] = await db
    .select()
    .from(employees)
    .where(sql`lower(${employees.email}) = lower(${email})`)
  return row
}

export async function findEmployeeWithHashById(
  db: Db,
  id: string,
): Promise<EmployeeRow | undefined> {
  const [row] = await db.select().from(employees).where(eq(employees.id, id))
  return row
}

/** Stores the new hash and bumps the token version, which revokes every token issued before. */
export async function replacePassword(
  db: Db,
  id: string,
  passwordHash: string,
): Promise<Employee | undefined> {
  const [row] = await db
    .update(employees)
    .set({ passwordHash, tokenVersion: sql`${employees.tokenVersion} + 1` })
    .where(eq(employees.id, id))
    .returning(publicColumns)
  return row
}

/** Inserts unless the email is taken (in any case); returns undefined when it was. */
export async function insertEmployee(db: Db, employee: NewEmployee): Promise<Employee | undefined> {
  const [row] = await db
    .insert(employees)
    .values(employee)
    .onConflictDoNothing()
    .returning(publicColumns)
  return row
}

/** Stamps lastLogin and, when given, replaces the stored hash (legacy bcrypt → argon2id). */
export async function recordLogin(
  db: Db,
  id: string,
  upgradedHash: string | undefined,
): Promise<Employee | undefined> {
  const [row] = await db
    .update(employees)
    .set({ lastLogin: sql`now()`, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) })
    .where(eq(employees.id, id))
    .returning(publicColumns)
  return row
}
