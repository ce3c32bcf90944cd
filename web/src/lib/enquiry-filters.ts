import type { PoolQuery } from './api-models'
import { priorities, sources } from './enquiry-labels'

/** Shorter searches match too much to help, and cost the database the most. */
export const MIN_SEARCH_LENGTH = 3

/** What a search box's text searches for: nothing until it has three characters. */
export function searchTerm(text: string | null | undefined): string | undefined {
  const term = text?.trim().slice(0, 100) ?? ''
  return term.length >= MIN_SEARCH_LENGTH ? term : undefined
}

/** The filters the pool and the list of all enquiries share. */
export type SharedFilters = Pick<PoolQuery, 'priority' | 'source' | 'courseInterest' | 'q' | 'sort'>

/** The shared filters as the URL carries them; anything unknown or malformed is left out. */
export function sharedFiltersFrom(params: URLSearchParams): SharedFilters {
  const priority = priorities.find((value) => value === params.get('priority'))
  const source = sources.find((value) => value === params.get('source'))
  const sort = (['oldest', 'priority'] as const).find((value) => value === params.get('sort'))
  const courseInterest = params.get('course')?.trim().slice(0, 100) || undefined
  const q = searchTerm(params.get('q'))
  return {
    ...(priority ? { priority } : {}),
    ...(source ? { source } : {}),
    ...(courseInterest ? { courseInterest } : {}),
    ...(q ? { q } : {}),
    ...(sort ? { sort } : {}),
  }
}
