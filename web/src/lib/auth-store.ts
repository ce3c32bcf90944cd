import { useSyncExternalStore } from 'react'

type Role = 'counselor' | 'admin'

export interface SessionEmployee {
  id: string
  name: string
  email: string
  role: Role
}

export interface Session {
  token: string
  employee: SessionEmployee
}

// The token lives in memory; sessionStorage keeps it only for a reload of this tab (never
// localStorage: it would outlive the tab and be shared by every tab of the origin).
const STORAGE_KEY = 'crm.session'

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false
  const { token, employee } = value as Partial<Session>
  return (
    typeof token === 'string' &&
    typeof employee === 'object' &&
    employee !== null &&
    typeof employee.id === 'string' &&
    typeof employee.name === 'string' &&
    typeof employee.email === 'string' &&
    (employee.role === 'counselor' || employee.role === 'admin')
  )
}

function readStoredSession(): Session | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null')
    return isSession(parsed) ? parsed : null
  } catch {
    return null
  }
}

let session: Session | null = readStoredSession()
/** Why the last session ended, shown on the login page until the next login. */
let notice: string | null = null
const listeners = new Set<() => void>()

function publish(next: Session | null): void {
  session = next
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next))
  else sessionStorage.removeItem(STORAGE_KEY)
  for (const listener of listeners) listener()
}

const getSession = (): Session | null => session
export const getToken = (): string | undefined => session?.token

export function startSession(next: Session): void {
  notice = null
  publish(next)
}

/** After a password change the server issues a new token and rejects the old one. */
export function replaceToken(token: string): void {
  if (session) publish({ ...session, token })
}

export function endSession(reason?: string): void {
  notice = reason ?? null
  publish(null)
}

export const getNotice = (): string | null => notice

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession)
}
