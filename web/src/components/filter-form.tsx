import { type FormEvent, Fragment, type ReactNode } from 'react'
import { useSearchParams } from 'react-router'
import { searchTerm } from '../lib/enquiry-filters'
import { SearchField, useSearchBox } from './search-field'

interface FilterFormProps {
  /** The form's accessible name, e.g. "Filter the pool". */
  label: string
  searchPlaceholder: string
  /** The other filters: named, uncontrolled fields whose defaultValue is what the URL says. */
  children: ReactNode
}

/**
 * Filters kept in the URL. The search applies as the person types; the other fields, and Enter,
 * apply with the button. Only those fields are shown anew when the URL changes (back, forward,
 * Clear), so a search that applies itself never takes the focus from the search box.
 */
export function FilterForm({ label, searchPlaceholder, children }: FilterFormProps) {
  const [params, setParams] = useSearchParams()
  const search = (term: string | undefined) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current)
        if (term) next.set('q', term)
        else next.delete('q')
        return next
      },
      { replace: true },
    )
  const searchBox = useSearchBox(searchTerm(params.get('q')), search)
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    searchBox.settle()
    const next = new URLSearchParams()
    for (const [name, value] of new FormData(event.currentTarget)) {
      const text = name === 'q' ? searchTerm(String(value)) : String(value).trim()
      if (text && !(name === 'sort' && text === 'newest')) next.set(name, text)
    }
    setParams(next)
  }
  const clear = () => {
    searchBox.settle()
    setParams({})
  }
  const others = new URLSearchParams(params)
  others.delete('q')
  return (
    <form className="filters" onSubmit={submit} aria-label={label}>
      <SearchField
        value={searchBox.text}
        onChange={searchBox.setText}
        placeholder={searchPlaceholder}
      />
      <Fragment key={others.toString()}>{children}</Fragment>
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="button-secondary" onClick={clear}>
          Clear filters
        </button>
      </div>
    </form>
  )
}
