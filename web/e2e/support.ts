import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { type APIRequestContext, expect, type Page, type TestInfo } from '@playwright/test'

/** The admin the server creates at start (ADMIN_EMAIL / ADMIN_PASSWORD in the config). */
export const ADMIN = {
  email: 'admin@console-tests.example.com',
  password: 'console-admin-password',
}

export interface Account {
  name: string
  email: string
  password: string
  token: string
}

const unique = () => randomBytes(4).toString('hex')

async function json<T>(response: { ok(): boolean; status(): number; json(): Promise<unknown> }) {
  const body = (await response.json()) as T
  if (!response.ok()) throw new Error(`API answered ${response.status()}: ${JSON.stringify(body)}`)
  return body
}

async function logInThroughApi(
  request: APIRequestContext,
  credentials: { email: string; password: string },
): Promise<string> {
  const body = await json<{ data: { token: string } }>(
    await request.post('/api/auth/login', { data: credentials }),
  )
  return body.data.token
}

/** A fresh counselor, registered by the admin: each test works with its own people. */
export async function createCounselor(request: APIRequestContext, label = 'Counselor') {
  const adminToken = await logInThroughApi(request, ADMIN)
  const id = unique()
  const account = {
    name: `${label} ${id}`,
    email: `counselor-${id}@console-tests.example.com`,
    password: `password-${id}`,
  }
  const body = await json<{ data: { token: string } }>(
    await request.post('/api/auth/register', {
      data: { ...account, role: 'counselor' },
      headers: { authorization: `Bearer ${adminToken}` },
    }),
  )
  return { ...account, token: body.data.token } satisfies Account
}

export interface SubmittedEnquiry {
  id: string
  name: string
  email: string
  phone: string
  courseInterest: string
  message: string
}

/** The public form, through the API. Names, emails and phones are unique, so nothing merges. */
export async function submitEnquiry(
  request: APIRequestContext,
  overrides: Partial<Omit<SubmittedEnquiry, 'id'>> & { priority?: string; source?: string } = {},
): Promise<SubmittedEnquiry> {
  const id = unique()
  const fields = {
    name: `Student ${id}`,
    email: `student-${id}@example.com`,
    phone: `+44 20 ${String(Number.parseInt(id, 16)).padStart(10, '0').slice(0, 8)}`,
    courseInterest: 'Web Development',
    message: 'I would like to start in the spring. Please call me in the afternoon.',
    ...overrides,
  }
  const body = await json<{ data: { id: string } }>(
    await request.post('/api/enquiries', { data: fields }),
  )
  return { id: body.data.id, ...fields }
}

/** A prospect's name no other test uses. */
export const prospectName = () => `Prospect ${Math.random().toString(36).slice(2, 10)}`

/** Fills the public form on /form as a prospect would; `overrides` by field label. */
export async function fillEnquiryForm(
  page: Page,
  name: string,
  overrides: Record<string, string> = {},
) {
  const fields = {
    'Your name': name,
    Email: `${name.replace(/\W+/g, '-').toLowerCase()}@example.com`,
    Phone: `+1 555 ${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    ...overrides,
  }
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value)
  await page
    .getByLabel('Course you are interested in')
    .selectOption(overrides.course ?? 'Data Science')
  await page.getByLabel('Message (optional)').fill('Is there an evening class?')
  return fields
}

export interface Stats {
  byStatus: Record<string, number>
  byDay: { date: string; count: number }[]
}

/** GET /api/stats as the admin. */
export async function statsThroughApi(request: APIRequestContext): Promise<Stats> {
  const token = await logInThroughApi(request, ADMIN)
  const body = await json<{ data: Stats }>(
    await request.get('/api/stats', { headers: { authorization: `Bearer ${token}` } }),
  )
  return body.data
}

export interface SubjectConsent {
  privacyNotice: boolean
  marketing: boolean
  noticeVersion: string | null
}

/** The consent records of everything held about this email (a subject access request, as the admin). */
export async function consentsThroughApi(
  request: APIRequestContext,
  email: string,
): Promise<SubjectConsent[]> {
  const token = await logInThroughApi(request, ADMIN)
  const body = await json<{ data: { enquiries: { consents: SubjectConsent[] }[] } }>(
    await request.get(`/api/privacy/subject?email=${encodeURIComponent(email)}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
  )
  return body.data.enquiries.flatMap((enquiry) => enquiry.consents)
}

export async function claimThroughApi(request: APIRequestContext, token: string, id: string) {
  await json(
    await request.post(`/api/enquiries/${id}/claim`, {
      headers: { authorization: `Bearer ${token}` },
    }),
  )
}

export async function logIn(page: Page, account: { email: string; password: string }) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Pool' })).toBeVisible()
}

/** The pool narrowed to one enquiry by searching its (unique) name. */
export async function searchPool(page: Page, name: string) {
  await page.getByLabel('Search').fill(name)
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(/[?&]q=/)
  // Until the filtered page arrives, the previous one stays on screen, marked busy.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
}

/** axe-core on the page as it stands: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze()
  const severe = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }))
  expect(severe, `accessibility of ${what}`).toEqual([])
}

/**
 * A screenshot for the README: into docs/screenshots with UPDATE_SCREENSHOTS=1, otherwise beside
 * the test's other output, so a routine run leaves the committed pictures alone.
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
    : testInfo.outputPath()
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

export interface CreatedWebhook {
  id: string
  url: string
  secret: string
}

/** A webhook endpoint added by the admin through the API; the answer carries its secret. */
export async function createWebhookThroughApi(
  request: APIRequestContext,
  fields: { url: string; events: string[]; active?: boolean; description?: string },
): Promise<CreatedWebhook> {
  const token = await logInThroughApi(request, ADMIN)
  const body = await json<{ data: CreatedWebhook }>(
    await request.post('/api/webhooks', {
      data: fields,
      headers: { authorization: `Bearer ${token}` },
    }),
  )
  const { id, url, secret } = body.data
  return { id, url, secret }
}

/** The admin's Authorization header, for arranging what a test needs through the API. */
export async function adminHeaders(request: APIRequestContext): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await logInThroughApi(request, ADMIN)}` }
}

export interface SlaSettings {
  enabled: boolean
  firstContact: { high: string; medium: string; low: string }
  businessHours: { timeZone: string; days: number[]; start: string; end: string } | null
  onBreach: 'notify' | 'release' | 'reassign'
  warnBefore: string | null
}

/** PUT /api/settings/sla as the admin: the settings are global, so tests put them back after. */
export async function putSlaSettingsThroughApi(
  request: APIRequestContext,
  settings: SlaSettings,
): Promise<void> {
  await json(
    await request.put('/api/settings/sla', {
      data: settings,
      headers: await adminHeaders(request),
    }),
  )
}

/** Deletes every routing rule whose name starts so: a test's cleanup, whatever it got to. */
export async function deleteRoutingRulesNamed(
  request: APIRequestContext,
  prefix: string,
): Promise<void> {
  const headers = await adminHeaders(request)
  const rules = await json<{ data: { _id: string; name: string }[] }>(
    await request.get('/api/routing-rules', { headers }),
  )
  for (const rule of rules.data.filter((candidate) => candidate.name.startsWith(prefix))) {
    await request.delete(`/api/routing-rules/${rule._id}`, { headers })
  }
}

export interface EnquiryThroughApi {
  status: string
  claimedBy: { _id: string; name: string } | null
  firstContactDueAt: string | null
  sla: string | null
  followUpAt: string | null
}

/** GET /api/enquiries/:id as the admin. */
export async function enquiryThroughApi(
  request: APIRequestContext,
  id: string,
): Promise<EnquiryThroughApi> {
  const body = await json<{ data: EnquiryThroughApi }>(
    await request.get(`/api/enquiries/${id}`, { headers: await adminHeaders(request) }),
  )
  return body.data
}

/** GET /api/auth/me with the employee's own token. */
export async function meThroughApi(request: APIRequestContext, token: string) {
  const body = await json<{
    data: { employee: { available: boolean; notifications: { email: boolean } } }
  }>(await request.get('/api/auth/me', { headers: { authorization: `Bearer ${token}` } }))
  return body.data.employee
}
