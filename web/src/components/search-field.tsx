import { useEffect, useRef, useState } from 'react'
import { MIN_SEARCH_LENGTH, searchTerm } from '../lib/enquiry-filters'
import { Field } from './field'

/** How long typing pauses before the search is sent. */
const SEARCH_DELAY_MS = 300

/**
 * A search box's text, applied a short pause after typing, from the third character.
 * `applied` is the search in force (from the URL): shown again after back, forward or a reset.
 * `settle()` is for a form that applies the box itself (Enter, Clear): the pending search is
 * dropped, so it cannot land after, and undo, what the form applied.
 */
export function useSearchBox(
  applied: string | undefined,
  onSearch: (term: string | undefined) => void,
) {
  const [text, setText] = useState(applied ?? '')
  const sent = useRef(applied)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const latestOnSearch = useRef(onSearch)
  latestOnSearch.current = onSearch

  useEffect(() => {
    if (applied === sent.current) return
    sent.current = applied
    setText(applied ?? '')
  }, [applied])

  useEffect(() => {
    if (searchTerm(text) === sent.current) return
    timer.current = setTimeout(() => {
      sent.current = searchTerm(text)
      latestOnSearch.current(sent.current)
    }, SEARCH_DELAY_MS)
    return () => clearTimeout(timer.current)
  }, [text])

  const settle = () => {
    clearTimeout(timer.current)
    sent.current = searchTerm(text)
  }
  return { text, setText, settle }
}

interface SearchFieldProps {
  value: string
  onChange: (text: string) => void
  placeholder?: string
}

export function SearchField({ value, onChange, placeholder }: SearchFieldProps) {
  return (
    <Field
      label="Search"
      name="q"
      type="search"
      maxLength={100}
      placeholder={placeholder}
      hint={`Searches as you type, from ${MIN_SEARCH_LENGTH} characters`}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  )
}
