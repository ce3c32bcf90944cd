import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { preparedStatements } from '../../db/prepared.js'
import {
  type Employee,
  type EmployeeRef,
  type EmployeeRole,
  type EmployeeRow,
  employees,
  enquiries,
  heldStatuses,
} from '../../db/schema/index.js'

/** The columns that may leave the server: never the password hash. */
const publicColumns = {
  id: employees.id,
  name: employees.name,
  email: employees.email,
  role: employees.role,
  isActive: employees.isActive,
  tokenVersion: employees.tokenVersion,
  lastLogin: employees.lastLogin,
  available: employees.available,
  maxOpenLeads: employees.maxOpenLeads,
  emailNotifications: employees.emailNotifications,
  createdAt: employees.createdAt,
}

export type { Employee, EmployeeRef }

export interface NewEmployee {
  name: string
  email: string
  passwordHash: string
  role: EmployeeRole
}

// Every authenticated request runs this one.
const employeeById = preparedStatements((db) =>
  db
    .select(publicColumns)
    .from(employees)
    .where(eq(employees.id, sql.placeholder('id')))
    .prepare('find_employee_by_id'),
)

export async function findEmployeeById(db: Db, id: string): Promise<Employee | undefined> {
  const [row] = await employeeById(db).execute({ id })
  return row
}

/**
 * The employee, their row locked against other changes until the transaction ends: what a change
 * starts from. NO KEY UPDATE, as the change's own UPDATE takes: rows that reference the employee
 * (an audit entry by them, a claim) can still be written, so two admins changing each other
 * cannot deadlock.
 */
export async function lockEmployee(db: Db, id: string): Promise<Employee | undefined> {
  const [row] = await db
    .select(publicColumns)
    .from(employees)
    .where(eq(employees.id, id))
    .for('no key update')
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

export interface EmployeeFilter {
  role?: EmployeeRole
  isActive?: boolean
  q?: string
}

export interface EmployeeListRow extends Omit<Employee, 'tokenVersion' | 'emailNotifications'> {
  openLeads: number
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

function employeeWhere(filter: EmployeeFilter) {
  return and(
    filter.role !== undefined ? eq(employees.role, filter.role) : undefined,
    filter.isActive !== undefined ? eq(employees.isActive, filter.isActive) : undefined,
    filter.q !== undefined
      ? or(
          ilike(employees.name, likePattern(filter.q)),
          ilike(employees.email, likePattern(filter.q)),
        )
      : undefined,
  )
}

/** One page of employees with their open-lead counts, and the total: two queries. */
export async function listEmployees(
  db: Db,
  filter: EmployeeFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: EmployeeListRow[]; total: number }> {
  const where = employeeWhere(filter)
  // Counted for the page's rows only (through the owner index), not grouped over every enquiry.
  // Drizzle leaves columns unqualified inside sql``, so both tables are named explicitly.
  const open = sql.join(
    heldStatuses.map((status) => sql`${status}`),
    sql`, `,
  )
  const openLeads = sql<number>`(SELECT count(*) FROM enquiries AS owned
    WHERE owned.claimed_by = "employees"."id" AND owned.status IN (${open}))`.mapWith(Number)
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        id: employees.id,
        name: employees.name,
        email: employees.email,
        role: employees.role,
        isActive: employees.isActive,
        lastLogin: employees.lastLogin,
        available: employees.available,
        maxOpenLeads: employees.maxOpenLeads,
        createdAt: employees.createdAt,
        openLeads,
      })
      .from(employees)
      .where(where)
      .orderBy(asc(employees.name), asc(employees.id))
      .offset(page.offset)
      .limit(page.limit),
    db.select({ total: sql<number>`count(*)::int` }).from(employees).where(where),
  ])
  return { rows, total: counted?.total ?? 0 }
}

// Serializes every change to who is an active admin, so "never remove the last one" holds even
// when two admins demote each other at the same moment.
const ADMIN_SET_LOCK = 0x61646d // "adm"

export async function lockAdminChanges(db: Db): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`)
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(employees)
    .where(and(eq(employees.role, 'admin'), eq(employees.isActive, true)))
  return row?.count ?? 0
}

export async function updateEmployee(
  db: Db,
  id: string,
  changes: {
    name?: string
    role?: EmployeeRole
    isActive?: boolean
    available?: boolean
    maxOpenLeads?: number | null
    revokeTokens?: boolean
  },
): Promise<Employee | undefined> {
  const { revokeTokens, ...fields } = changes
  const [row] = await db
    .update(employees)
    .set({
      ...fields,
      ...(revokeTokens ? { tokenVersion: sql`${employees.tokenVersion} + 1` } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(employees.id, id))
    .returning(publicColumns)
  return row
}

export interface Capacity extends EmployeeRef {
  role: EmployeeRole
  isActive: boolean
  available: boolean
  maxOpenLeads: number | null
}

/**
 * The employees with what decides whether they may take another lead, each row locked until the
 * transaction ends (in id order, so two lockers never wait on each other): claims and routings
 * that could take one of them past their cap queue here, and each counts their leads afresh.
 */
export async function lockCapacityOf(db: Db, employeeIds: string[]): Promise<Capacity[]> {
  if (employeeIds.length === 0) return []
  return db
    .select({
      _id: employees.id,
      name: employees.name,
      email: employees.email,
      role: employees.role,
      isActive: employees.isActive,
      available: employees.available,
      maxOpenLeads: employees.maxOpenLeads,
    })
    .from(employees)
    .where(inArray(employees.id, employeeIds))
    .orderBy(asc(employees.id))
    .for('update')
}

/** The employees' role and whether they are active (routing rules name counselors). */
export async function findRolesOf(
  db: Db,
  employeeIds: string[],
): Promise<{ id: string; role: EmployeeRole; isActive: boolean }[]> {
  if (employeeIds.length === 0) return []
  return db
    .select({ id: employees.id, role: employees.role, isActive: employees.isActive })
    .from(employees)
    .where(inArray(employees.id, employeeIds))
}

/** Open (claimed or contacted) leads held by each of the employees; zero counts included. */
export async function countOpenLeadsOf(
  db: Db,
  employeeIds: string[],
): Promise<Map<string, number>> {
  const counts = new Map(employeeIds.map((id) => [id, 0]))
  if (employeeIds.length === 0) return counts
  const rows = await db
    .select({ claimedBy: enquiries.claimedBy, count: sql<number>`count(*)::int` })
    .from(enquiries)
    .where(
      and(inArray(enquiries.claimedBy, employeeIds), inArray(enquiries.status, [...heldStatuses])),
    )
    .groupBy(enquiries.claimedBy)
  for (const row of rows) if (row.claimedBy) counts.set(row.claimedBy, row.count)
  return counts
}

export async function findEmployeeRef(db: Db, id: string): Promise<EmployeeRef | undefined> {
  const [row] = await db
    .select({ _id: employees.id, name: employees.name, email: employees.email })
    .from(employees)
    .where(eq(employees.id, id))
  return row
}

/** An employee's own choice of email notifications. */
export async function setEmailNotificationsOf(
  db: Db,
  id: string,
  enabled: boolean,
): Promise<Employee | undefined> {
  const [row] = await db
    .update(employees)
    .set({ emailNotifications: enabled, updatedAt: sql`now()` })
    .where(eq(employees.id, id))
    .returning(publicColumns)
  return row
}
