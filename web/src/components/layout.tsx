import type { ReactNode } from 'react'
import { NavLink } from 'react-router'
import type { SessionEmployee } from '../lib/auth-store'

interface LayoutProps {
  employee: SessionEmployee
  onLogOut: () => void
  children: ReactNode
}

/** The signed-in frame: a skip link, the navigation, who is signed in, and the page. */
export function Layout({ employee, onLogOut, children }: LayoutProps) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">CRM console</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/pool">Pool</NavLink>
            </li>
            <li>
              <NavLink to="/enquiries">My enquiries</NavLink>
            </li>
            {employee.role === 'admin' && (
              <>
                <li>
                  <NavLink to="/admin/enquiries">All enquiries</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/team">Team</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/dashboard">Dashboard</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/routing">Routing rules</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/sla">SLA settings</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/webhooks">Webhooks</NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to="/account" end>
                Account
              </NavLink>
            </li>
            <li>
              <NavLink to="/account/password">Change password</NavLink>
            </li>
          </ul>
        </nav>
        <div className="who">
          <span>
            {employee.name}
            <span className="role"> ({employee.role})</span>
          </span>
          <button type="button" className="button-secondary" onClick={onLogOut}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}
