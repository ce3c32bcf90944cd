import type { FormEvent, ReactNode } from 'react'
import { useSearchParams } from 'react-router'
import { Field } from './field'

interface FilterFormProps {
  /** The form's accessible name, e.g. "Filter the pool". */
  label: string
  searchPlaceholder: string
  /** The other filters: named, uncontrolled fields whose defaultValue is what the URL says. */
  children: ReactNode
}

/** Filters kept in the URL, applied on submit, so typing sends no request per key. */
export function FilterForm({ label, searchPlaceholder, children }: FilterFormProps) {
  const [params, setParams] = useSearchParams()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const next = new URLSearchParams()
    for (const [name, value] of new FormData(event.currentTarget)) {
      const text = String(value).trim()
      if (text && !(name === 'sort' && text === 'newest')) next.set(name, text)
    }
    setParams(next)
  }
  // Keyed by the URL, so the fields show what it says after back, forward or Clear.
  return (
    <form key={params.toString()} className="filters" onSubmit={submit} aria-label={label}>
      <Field
        label="Search"
        name="q"
        type="search"
        maxLength={100}
        placeholder={searchPlaceholder}
        defaultValue={params.get('q') ?? ''}
      />
      {children}
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="button-secondary" onClick={() => setParams({})}>
          Clear filters
        </button>
      </div>
    </form>
  )
}
