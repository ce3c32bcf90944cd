import { type ReactNode, useEffect, useRef } from 'react'

let firstPage = true

interface PageProps {
  title: string
  /** Shown next to the heading, e.g. a count. */
  aside?: ReactNode
  children: ReactNode
}

/**
 * A page's heading and document title. After a navigation the heading takes focus, so a screen
 * reader announces the new page and keyboard users start from its top.
 */
export function Page({ title, aside, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · CRM console`
    if (firstPage) firstPage = false
    else heading.current?.focus()
  }, [title])
  return (
    <>
      <div className="page-heading">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {aside}
      </div>
      {children}
    </>
  )
}
