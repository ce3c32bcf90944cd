import { type FormEvent, useId } from 'react'
import { priorities, priorityLabels, sourceLabels, sources } from '../../lib/enquiry-labels'
import type { PoolFilters } from './api'

const sortLabels = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  priority: 'Highest priority first',
}

interface PoolFilterFormProps {
  filters: PoolFilters
  onApply: (filters: PoolFilters) => void
}

function text(form: FormData, name: string): string | undefined {
  const value = String(form.get(name) ?? '').trim()
  return value === '' ? undefined : value
}

/** The API's pool filters as a form: applied on submit, so typing sends no request per key. */
export function PoolFilterForm({ filters, onApply }: PoolFilterFormProps) {
  const id = useId()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const priority = priorities.find((value) => value === form.get('priority'))
    const source = sources.find((value) => value === form.get('source'))
    const sort = (['newest', 'oldest', 'priority'] as const).find((v) => v === form.get('sort'))
    onApply({
      ...(priority ? { priority } : {}),
      ...(source ? { source } : {}),
      ...(text(form, 'course') ? { courseInterest: text(form, 'course') } : {}),
      ...(text(form, 'q') ? { q: text(form, 'q') } : {}),
      ...(sort && sort !== 'newest' ? { sort } : {}),
    })
  }
  // Keyed by the filters, so the inputs show what the URL says after back/forward.
  return (
    <form
      key={JSON.stringify(filters)}
      className="filters"
      onSubmit={submit}
      aria-label="Filter the pool"
    >
      <div className="field">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          name="q"
          type="search"
          maxLength={100}
          placeholder="Name, email or phone"
          defaultValue={filters.q ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-course`}>Course</label>
        <input
          id={`${id}-course`}
          name="course"
          maxLength={100}
          defaultValue={filters.courseInterest ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select id={`${id}-priority`} name="priority" defaultValue={filters.priority ?? ''}>
          <option value="">Any priority</option>
          {priorities.map((value) => (
            <option key={value} value={value}>
              {priorityLabels[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-source`}>Source</label>
        <select id={`${id}-source`} name="source" defaultValue={filters.source ?? ''}>
          <option value="">Any source</option>
          {sources.map((value) => (
            <option key={value} value={value}>
              {sourceLabels[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select id={`${id}-sort`} name="sort" defaultValue={filters.sort ?? 'newest'}>
          {Object.entries(sortLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="button-secondary" onClick={() => onApply({})}>
          Clear filters
        </button>
      </div>
    </form>
  )
}
