import { lazy, Suspense } from 'react'
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { Layout } from '../components/layout'
import { Loading } from '../components/loading'
import { Page } from '../components/page'
import { LoginPage } from '../features/auth/login-page'
import { PoolPage } from '../features/pool/pool-page'
import { endSession, useSession } from '../lib/auth-store'
import { useLiveEvents } from '../lib/live-events'

// Login and the pool are in the first bundle; the rest loads when first opened.
const EnquiryPage = lazy(() =>
  import('../features/enquiries/enquiry-page').then((module) => ({ default: module.EnquiryPage })),
)
const MyEnquiriesPage = lazy(() =>
  import('../features/enquiries/my-enquiries-page').then((module) => ({
    default: module.MyEnquiriesPage,
  })),
)
const AccountPage = lazy(() =>
  import('../features/auth/account-page').then((module) => ({ default: module.AccountPage })),
)
const PasswordPage = lazy(() =>
  import('../features/auth/password-page').then((module) => ({ default: module.PasswordPage })),
)

const AllEnquiriesPage = lazy(() =>
  import('../features/enquiries/all-enquiries-page').then((module) => ({
    default: module.AllEnquiriesPage,
  })),
)
const TeamPage = lazy(() =>
  import('../features/team/team-page').then((module) => ({ default: module.TeamPage })),
)
const RoutingRulesPage = lazy(() =>
  import('../features/routing/routing-page').then((module) => ({
    default: module.RoutingRulesPage,
  })),
)
const SlaSettingsPage = lazy(() =>
  import('../features/sla/sla-page').then((module) => ({ default: module.SlaSettingsPage })),
)
// The dashboard's chart library loads with it, and only with it.
const DashboardPage = lazy(() =>
  import('../features/dashboard/dashboard-page').then((module) => ({
    default: module.DashboardPage,
  })),
)
const WebhooksPage = lazy(() =>
  import('../features/webhooks/webhooks-page').then((module) => ({
    default: module.WebhooksPage,
  })),
)
const WebhookPage = lazy(() =>
  import('../features/webhooks/webhook-page').then((module) => ({ default: module.WebhookPage })),
)

/** Admin pages: a counselor who follows a link to one is told, not shown an API error. */
function AdminOnly() {
  const session = useSession()
  if (session?.employee.role !== 'admin') {
    return (
      <Page title="Admins only">
        <p>This page is for admins. Ask an admin if you need something from it.</p>
      </Page>
    )
  }
  return <Outlet />
}

/** Pages behind the login: without a session, the login page, which comes back here after. */
function SignedIn() {
  const session = useSession()
  const location = useLocation()
  useLiveEvents(session?.token)
  if (!session) {
    const next = encodeURIComponent(`${location.pathname}${location.search}`)
    return <Navigate to={`/login?next=${next}`} replace />
  }
  return (
    <Layout employee={session.employee} onLogOut={() => endSession('You have logged out.')}>
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </Layout>
  )
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
    </Page>
  )
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<SignedIn />}>
          <Route index element={<Navigate to="/pool" replace />} />
          <Route path="/pool" element={<PoolPage />} />
          <Route path="/enquiries" element={<MyEnquiriesPage />} />
          <Route path="/enquiries/:id" element={<EnquiryPage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route path="/account/password" element={<PasswordPage />} />
          <Route path="/admin" element={<AdminOnly />}>
            <Route path="enquiries" element={<AllEnquiriesPage />} />
            <Route path="team" element={<TeamPage />} />
            <Route path="dashboard" element={<DashboardPage />} />
            <Route path="webhooks" element={<WebhooksPage />} />
            <Route path="webhooks/:id" element={<WebhookPage />} />
            <Route path="routing" element={<RoutingRulesPage />} />
            <Route path="sla" element={<SlaSettingsPage />} />
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  )
}
