import { QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, useEffect } from 'react'
import { useSession } from '../lib/auth-store'
import { queryClient } from '../lib/query-client'

/** Server state for the app; whatever one employee loaded is forgotten when their session ends. */
export function AppProvider({ children }: { children: ReactNode }) {
  const session = useSession()
  const employeeId = session?.employee.id
  useEffect(() => {
    if (employeeId === undefined) queryClient.clear()
  }, [employeeId])
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
}
