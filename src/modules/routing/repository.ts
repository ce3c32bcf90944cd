import { asc, eq, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import {
  type EmployeeRef,
  employees,
  type RoutingMatch,
  type RoutingRuleRow,
  type RoutingStrategy,
  routingRosterVersion,
  routingRules,
} from '../../db/schema/index.js'

/** Plain data about routing rules; every function takes a handle that may be a transaction. */

export type RoutingRule = RoutingRuleRow

export interface RuleFields {
  name: string
  position: number
  active: boolean
  match: RoutingMatch
  strategy: RoutingStrategy
  counselorIds: string[]
}

export async function listRules(db: Db, options: { activeOnly?: boolean } = {}) {
  return db
    .select()
    .from(routingRules)
    .where(options.activeOnly ? eq(routingRules.active, true) : undefined)
    .orderBy(asc(routingRules.position), asc(routingRules.id))
}

/** The rule; with `forUpdate`, its row (and so its rotation's pointer) stays locked until the transaction ends. */
export async function findRule(
  db: Db,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<RoutingRule | undefined> {
  const query = db.select().from(routingRules).where(eq(routingRules.id, id))
  const [row] = options.forUpdate ? await query.for('update') : await query
  return row
}

export async function insertRule(db: Db, fields: RuleFields): Promise<RoutingRule> {
  const [row] = await db.insert(routingRules).values(fields).returning()
  if (!row) throw new Error('rule insert returned no row')
  return row
}

export async function updateRule(
  db: Db,
  id: string,
  changes: Partial<RuleFields>,
): Promise<RoutingRule | undefined> {
  const [row] = await db
    .update(routingRules)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(routingRules.id, id))
    .returning()
  return row
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(routingRules)
    .where(eq(routingRules.id, id))
    .returning({ id: routingRules.id })
  return rows.length === 1
}

/**
 * SQL for the next turn of the rule whose id `ruleId` gives, from the sequence that counts its
 * turns (drizzle/0012: one per rule, dropped with it). Null once the rule is deleted: an instance
 * may route by a rule another has just deleted, before the change reaches its cache.
 */
export const nextTurn = (ruleId: SQL | AnyPgColumn) =>
  sql`nextval(to_regclass('routing_turns_' || ${ruleId}))`

/** The round-robin rule's next turn; undefined once the rule is deleted. */
export async function takeTurn(db: Db, ruleId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ turn: sql<string | null>`${nextTurn(routingRules.id)}` })
    .from(routingRules)
    .where(eq(routingRules.id, ruleId))
  return row?.turn == null ? undefined : Number(row.turn)
}

/** Moves the least-loaded rule's pointer (its row is locked by the caller). */
export async function movePointer(db: Db, id: string, employeeId: string): Promise<void> {
  await db.update(routingRules).set({ lastAssignedId: employeeId }).where(eq(routingRules.id, id))
}

/** A round-robin rule's roster, read in one snapshot with the version it holds for. */
export interface Roster {
  /** routing_roster_version's version when it was read: the roster holds while it is unchanged. */
  version: number
  rule: { _id: string; name: string }
  /**
   * The rule's counselors who are active, available and counselors, in the rule's order, as an
   * assignment names them (a change to any of it moves the version, so these hold with it).
   */
  eligible: EmployeeRef[]
  /** Some counselor of the rule has a cap: routing must count open leads under locks. */
  capped: boolean
}

/** An employee a rule may route to (caps aside): active, available and a counselor. */
export const routable = sql`${employees.isActive} AND ${employees.available} AND ${employees.role} = 'counselor'`

/** The roster of the rule if it is an active round-robin rule; undefined otherwise. */
export async function findRoster(db: Db, ruleId: string): Promise<Roster | undefined> {
  const result = (await db.execute(sql`
    SELECT v.version, r.id, r.name,
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('_id', ${employees.id}, 'name', ${employees.name}, 'email', ${employees.email}) ORDER BY c.ord)
        FROM unnest(r.counselor_ids) WITH ORDINALITY AS c(id, ord)
        JOIN ${employees} ON ${employees.id} = c.id
        WHERE ${routable}
      ), '[]'::jsonb) AS eligible,
      EXISTS (
        SELECT 1 FROM ${employees}
        WHERE ${employees.id} = ANY(r.counselor_ids) AND ${employees.maxOpenLeads} IS NOT NULL
      ) AS capped
    FROM ${routingRosterVersion} v
    JOIN ${routingRules} r ON r.id = ${ruleId} AND r.active AND r.strategy = 'round_robin'`)) as unknown as {
    rows: {
      version: string | number
      id: string
      name: string
      eligible: EmployeeRef[]
      capped: boolean
    }[]
  }
  const row = result.rows[0]
  return (
    row && {
      version: Number(row.version),
      rule: { _id: row.id, name: row.name },
      eligible: row.eligible,
      capped: row.capped,
    }
  )
}
