import type { PoolQuery } from './api-models'
import { priorities, sources } from './enquiry-labels'

/** The filters the pool and the list of all enquiries share. */
export type SharedFilters = Pick<PoolQuery, 'priority' | 'source' | 'courseInterest' | 'q' | 'sort'>

/** The shared filters as the URL carries them; anything unknown or malformed is left out. */
export function sharedFiltersFrom(params: URLSearchParams): SharedFilters {
  const priority = priorities.find((value) => value === params.get('priority'))
  const source = sources.find((value) => value === params.get('source'))
  const sort = (['oldest', 'priority'] as const).find((value) => value === params.get('sort'))
  const courseInterest = params.get('course')?.trim().slice(0, 100) || undefined
  const q = params.get('q')?.trim().slice(0, 100) || undefined
  return {
    ...(priority ? { priority } : {}),
    ...(source ? { source } : {}),
    ...(courseInterest ? { courseInterest } : {}),
    ...(q ? { q } : {}),
    ...(sort ? { sort } : {}),
  }
}
