import { useState } from 'react'

interface PagerProps {
  /** What is paged, e.g. "Pool pages". */
  label: string
  page: number
  pages: number
  hasPrevious: boolean
  hasNext: boolean
  /** While a page loads, Next waits for it. */
  busy?: boolean
  onPrevious: () => void
  onNext: () => void
}

/** Previous and Next buttons around "Page n of m"; nothing when there is one page. */
function Pager({ label, page, pages, hasPrevious, hasNext, busy, onPrevious, onNext }: PagerProps) {
  if (!hasPrevious && !hasNext) return null
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button-secondary"
        disabled={!hasPrevious}
        onClick={onPrevious}
      >
        Previous page
      </button>
      <span>
        Page {page} of {Math.max(pages, 1)}
      </span>
      <button
        type="button"
        className="button-secondary"
        disabled={!hasNext || busy}
        onClick={onNext}
      >
        Next page
      </button>
    </nav>
  )
}

/** Pages by number: `goTo` shows another one. */
export function NumberedPager({
  label,
  page,
  pages,
  goTo,
}: Pick<PagerProps, 'label' | 'page' | 'pages'> & { goTo: (page: number) => void }) {
  return (
    <Pager
      label={label}
      page={page}
      pages={pages}
      hasPrevious={page > 1}
      hasNext={page < pages}
      onPrevious={() => goTo(page - 1)}
      onNext={() => goTo(page + 1)}
    />
  )
}

interface CursorPagerProps {
  label: string
  paging: ReturnType<typeof useCursorPages>
  /** The list's query: its page says how many pages there are and where the next one starts. */
  query: {
    data?: { pages: number; nextCursor?: string | null | undefined } | undefined
    isPlaceholderData: boolean
  }
}

/** Pages by cursor, as useCursorPages keeps them. */
export function CursorPager({ label, paging, query }: CursorPagerProps) {
  const nextCursor = query.data?.nextCursor
  if (!query.data) return null
  return (
    <Pager
      label={label}
      page={paging.page}
      pages={query.data.pages}
      hasPrevious={paging.hasPrevious}
      hasNext={Boolean(nextCursor)}
      busy={query.isPlaceholderData}
      onPrevious={paging.previous}
      onNext={() => nextCursor && paging.next(nextCursor)}
    />
  )
}

/** The page number in the URL (`?page=`), 1 when absent or not a number. */
export const pageFrom = (params: URLSearchParams): number =>
  Math.max(1, Math.floor(Number(params.get('page'))) || 1)

/**
 * Paging by cursor: the cursors of the pages before this one, so Previous can go back. A change of
 * the filters (`filterKey`) starts again from the first page.
 */
export function useCursorPages(filterKey: string) {
  const [trail, setTrail] = useState<{ filters: string; cursors: string[] }>({
    filters: '',
    cursors: [],
  })
  const cursors = trail.filters === filterKey ? trail.cursors : []
  return {
    cursor: cursors.at(-1),
    page: cursors.length + 1,
    hasPrevious: cursors.length > 0,
    previous: () => setTrail({ filters: filterKey, cursors: cursors.slice(0, -1) }),
    next: (cursor: string) => setTrail({ filters: filterKey, cursors: [...cursors, cursor] }),
  }
}
