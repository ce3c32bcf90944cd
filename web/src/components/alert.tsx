import type { ReactNode } from 'react'

interface AlertProps {
  tone: 'error' | 'success' | 'info'
  children: ReactNode
}

/** A message that screen readers announce: errors at once (alert), the rest politely (status). */
export function Alert({ tone, children }: AlertProps) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}
