import type { Db } from '../../db/client.js'
import type { EmployeeRef, RoutingStrategy } from '../../db/schema/index.js'
import { AppError, type FieldError, validationFailed } from '../../errors.js'
import { recordAudit } from '../audit/service.js'
import { countOpenLeadsOf, findRolesOf, lockCapacityOf } from '../employees/service.js'
import { type Candidate, fromTurn, matches, pick, type RoutedEnquiry, rotation } from './choice.js'
import {
  deleteRule,
  findRoster,
  findRule,
  insertRule,
  listRules,
  movePointer,
  nextTurn,
  type Roster,
  type RoutingRule,
  type RuleFields,
  routable,
  takeTurn,
  updateRule,
} from './repository.js'

export type { Roster, RoutedEnquiry, RoutingRule }
/**
 * SQL for a round-robin rule's next turn, and the roster a new enquiry is routed from in one
 * statement (what instances cache; routing_roster_version says when it no longer holds).
 */
export { findRoster, nextTurn, routable }

/** Why a new (or reassigned) enquiry went where it went: what its activity entry records. */
export interface RoutingDecision {
  rule: { _id: string; name: string }
  strategy: RoutingStrategy
  /** Who gets it; none: it stays in the pool. */
  employee?: EmployeeRef
  reason: string
}

/** What a round-robin routing's activity entry gives as its reason. */
export const ROTATION_REASON = 'next eligible counselor in the rule’s rotation'

/** The active rules, by position: what each submission is matched against. */
export const listActiveRules = (db: Db) => listRules(db, { activeOnly: true })

/** The first of these (active, by position) rules whose match fits; none: the pool. */
export function firstMatchingRule(
  activeRules: RoutingRule[],
  enquiry: RoutedEnquiry,
): RoutingRule | undefined {
  return activeRules.find((rule) => matches(rule.match, enquiry))
}

/**
 * For the transaction that creates (or frees) the enquiry: locks the rule's counselors' rows (their
 * claims wait meanwhile), counts their open leads afresh, and picks by the rule's strategy among
 * the eligible (active, available, under their cap, not excluded). round_robin takes the rule's
 * next turn (a sequence: routings through the rule do not wait for each other) and gives it to
 * the counselor whose turn it is among the eligible; least_loaded locks the rule, so that its
 * pointer (ties go to the counselor after the one it chose last) moves one routing at a time.
 * Undefined when the rule has gone or been switched off meanwhile.
 */
export async function decideOwner(
  tx: Db,
  ruleId: string,
  options: { exclude?: string[] } = {},
): Promise<RoutingDecision | undefined> {
  const found = await findRule(tx, ruleId)
  const rule =
    found?.strategy === 'least_loaded' ? await findRule(tx, ruleId, { forUpdate: true }) : found
  if (!rule?.active) return undefined
  const decided = { rule: { _id: rule.id, name: rule.name }, strategy: rule.strategy }
  if (rule.strategy === 'pool') return { ...decided, reason: 'the rule leaves it in the pool' }
  const excluded = new Set(options.exclude ?? [])
  const order = (
    rule.strategy === 'least_loaded'
      ? rotation(rule.counselorIds, rule.lastAssignedId)
      : rule.counselorIds
  ).filter((id) => !excluded.has(id))
  const locked = new Map((await lockCapacityOf(tx, order)).map((row) => [row._id, row]))
  // Counted after the locks: this statement sees every claim and routing committed before them.
  // Only least_loaded and caps need the counts; a plain rotation skips the query.
  const needsCounts =
    rule.strategy === 'least_loaded' || [...locked.values()].some((e) => e.maxOpenLeads !== null)
  const openLeads = needsCounts ? await countOpenLeadsOf(tx, order) : new Map<string, number>()
  const eligible: Candidate[] = []
  for (const id of order) {
    const employee = locked.get(id)
    const held = openLeads.get(id) ?? 0
    if (!employee?.isActive || employee.role !== 'counselor' || !employee.available) continue
    if (employee.maxOpenLeads !== null && held >= employee.maxOpenLeads) continue
    eligible.push({ id, openLeads: held })
  }
  if (eligible.length === 0) {
    return {
      ...decided,
      reason: 'nobody eligible: every counselor of the rule is inactive, away or at their cap',
    }
  }
  let chosen: Candidate | undefined
  if (rule.strategy === 'round_robin') {
    const turn = await takeTurn(tx, rule.id)
    if (turn === undefined) return undefined
    chosen = pick(rule.strategy, fromTurn(eligible, turn))
  } else {
    chosen = pick(rule.strategy, eligible)
  }
  const employee = chosen && locked.get(chosen.id)
  if (!chosen || !employee) throw new Error('an eligible counselor was not picked')
  if (rule.strategy === 'least_loaded') await movePointer(tx, rule.id, chosen.id)
  return {
    ...decided,
    employee: { _id: employee._id, name: employee.name, email: employee.email },
    reason:
      rule.strategy === 'round_robin'
        ? ROTATION_REASON
        : `fewest open leads among the eligible (${chosen.openLeads})`,
  }
}

// ---- Rules (admin) ----

/**
 * Counselor ids given must name active counselors; a strategy that assigns needs at least one in
 * the rule as it will be (`resulting`).
 */
async function checkRuleFields(
  db: Db,
  ids: string[] | undefined,
  resulting: { counselorIds: string[]; strategy: RoutingStrategy },
) {
  const errors: FieldError[] = []
  if (ids !== undefined) {
    const found = new Map((await findRolesOf(db, ids)).map((row) => [row.id, row]))
    const unknown = ids.filter((id) => !found.has(id))
    const notCounselors = ids.filter((id) => found.get(id)?.role === 'admin')
    const inactive = ids.filter((id) => found.get(id)?.isActive === false)
    if (unknown.length > 0) {
      errors.push({ field: 'counselorIds', message: `unknown employees: ${unknown.join(', ')}` })
    }
    if (notCounselors.length > 0) {
      errors.push({
        field: 'counselorIds',
        message: `admins are not routed leads: ${notCounselors.join(', ')}`,
      })
    }
    if (inactive.length > 0) {
      errors.push({
        field: 'counselorIds',
        message: `inactive employees: ${inactive.join(', ')}`,
      })
    }
  }
  if (resulting.strategy !== 'pool' && resulting.counselorIds.length === 0) {
    errors.push({
      field: 'counselorIds',
      message: `must name at least one counselor for ${resulting.strategy}`,
    })
  }
  if (errors.length > 0) throw validationFailed('Invalid routing rule', errors)
}

export const listRoutingRules = (db: Db) => listRules(db)

export async function getRoutingRule(db: Db, id: string): Promise<RoutingRule> {
  const rule = await findRule(db, id)
  if (!rule) throw new AppError('ROUTING_RULE_NOT_FOUND')
  return rule
}

/** Who changed the rules: each change is in the audit log, with the rule as it became. */
type AdminId = string

const ruleAudit = (rule: RoutingRule) => ({ rule: { _id: rule.id, name: rule.name } })

export async function createRoutingRule(
  db: Db,
  fields: RuleFields,
  actorId: AdminId,
): Promise<RoutingRule> {
  await checkRuleFields(db, fields.counselorIds, fields)
  return db.transaction(async (tx) => {
    const rule = await insertRule(tx, fields)
    await recordAudit(tx, {
      action: 'routing_rule.created',
      actorId,
      details: { ...ruleAudit(rule), fields },
    })
    return rule
  })
}

export async function updateRoutingRule(
  db: Db,
  id: string,
  changes: Partial<RuleFields>,
  actorId: AdminId,
): Promise<RoutingRule> {
  return db.transaction(async (tx) => {
    const current = await findRule(tx, id, { forUpdate: true })
    if (!current) throw new AppError('ROUTING_RULE_NOT_FOUND')
    await checkRuleFields(tx, changes.counselorIds, {
      counselorIds: changes.counselorIds ?? current.counselorIds,
      strategy: changes.strategy ?? current.strategy,
    })
    const updated = await updateRule(tx, id, changes)
    if (!updated) throw new AppError('ROUTING_RULE_NOT_FOUND')
    await recordAudit(tx, {
      action: 'routing_rule.updated',
      actorId,
      details: { ...ruleAudit(updated), changes },
    })
    return updated
  })
}

export async function deleteRoutingRule(db: Db, id: string, actorId: AdminId): Promise<void> {
  await db.transaction(async (tx) => {
    const rule = await findRule(tx, id, { forUpdate: true })
    if (!rule || !(await deleteRule(tx, id))) throw new AppError('ROUTING_RULE_NOT_FOUND')
    await recordAudit(tx, { action: 'routing_rule.deleted', actorId, details: ruleAudit(rule) })
  })
}
