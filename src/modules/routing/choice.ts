import type { EnquiryPriority, EnquirySource, RoutingMatch } from '../../db/schema/index.js'

/** The pure part of routing: which rule fits an enquiry, and whom a rule's strategy picks. */

export interface RoutedEnquiry {
  source: EnquirySource
  priority: EnquiryPriority
  courseInterest: string
}

const fits = <T>(list: T[] | undefined, value: T) =>
  list === undefined || list.length === 0 || list.includes(value)

export function matches(match: RoutingMatch, enquiry: RoutedEnquiry): boolean {
  const course = enquiry.courseInterest.trim().toLowerCase()
  return (
    fits(match.sources, enquiry.source) &&
    fits(match.priorities, enquiry.priority) &&
    fits(
      match.courses?.map((name) => name.trim().toLowerCase()),
      course,
    )
  )
}

/** least_loaded's order for ties: the rule's counselors after the one it chose last, then the rest. */
export function rotation(counselorIds: string[], lastAssignedId: string | null): string[] {
  const last = lastAssignedId === null ? -1 : counselorIds.indexOf(lastAssignedId)
  return [...counselorIds.slice(last + 1), ...counselorIds.slice(0, last + 1)]
}

/** round_robin's order: turn n starts at the (n mod k)-th of the k eligible, in the rule's order. */
export function fromTurn<T>(eligible: T[], turn: number): T[] {
  const first = eligible.length === 0 ? 0 : turn % eligible.length
  return [...eligible.slice(first), ...eligible.slice(0, first)]
}

export interface Candidate {
  id: string
  openLeads: number
}

/**
 * round_robin: the first eligible counselor in rotation order; least_loaded: the one with the
 * fewest open leads, ties going to the earlier in rotation order. `eligible` is in rotation order.
 */
export function pick(
  strategy: 'round_robin' | 'least_loaded',
  eligible: Candidate[],
): Candidate | undefined {
  if (strategy === 'round_robin') return eligible[0]
  let best: Candidate | undefined
  for (const candidate of eligible) {
    if (best === undefined || candidate.openLeads < best.openLeads) best = candidate
  }
  return best
}
