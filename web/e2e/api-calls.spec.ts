import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Locator, type Page, type Request, test } from '@playwright/test'
import {
  type Account,
  ADMIN,
  claimThroughApi,
  createCounselor,
  createWebhookThroughApi,
  submitEnquiry,
} from './support'

// The budget of issue 12: every console page gets its data in one round of API calls, and the pool
// shows a full page of 20 rows one round after the login answers. The table of what each page
// calls goes to docs/console-requests.md with UPDATE_SCREENSHOTS=1.

const LIVE_STREAM = '/api/events'
/**
 * How long each API answer is held back on its way to the page. Calls a page makes side by side
 * start microseconds apart in its code, but on a busy machine the browser may report one starting
 * a few milliseconds after a fast answer to the other. Held answers make a true waterfall (a call
 * that starts only once another has answered) at least this long, and such jitter none.
 */
const HOLD_MS = 250
/** After the data shows, how long a call the page makes next (a waterfall's second step) may take to start. */
const FOLLOW_UP_MS = 500

/** One API call; times in ms since the epoch, the browser's own once the call has ended. */
interface Call {
  /** `GET /api/enquiries/:id`: the method and path, with ids as `:id`. */
  label: string
  url: string
  start: number
  /** When the answer's last byte arrived, or the call failed; undefined while it is under way. */
  end?: number
}

/** Every `/api/…` call the page makes, from now on. */
function recordApiCalls(page: Page): Call[] {
  const calls: Call[] = []
  const callOf = new Map<Request, Call>()
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (!url.pathname.startsWith('/api/')) return
    const call: Call = {
      label: `${request.method()} ${url.pathname.replace(/\/[0-9a-f]{24}(?=\/|$)/g, '/:id')}`,
      url: request.url(),
      // The browser's timing comes with the answer; until then, when we heard of the call.
      start: Date.now(),
    }
    calls.push(call)
    callOf.set(request, call)
  })
  const ended = (request: Request) => {
    const call = callOf.get(request)
    if (!call) return
    const { startTime, responseEnd } = request.timing()
    if (startTime > 0) call.start = startTime
    call.end = responseEnd >= 0 ? call.start + responseEnd : Date.now()
  }
  page.on('requestfinished', ended)
  page.on('requestfailed', ended)
  return calls
}

/**
 * Records when live events reach the page, by reading a copy of the event stream the console
 * opens. Other tests change data on the same server meanwhile, and the console refetches what it
 * shows 250 ms after each event it hears: such a refetch is the live stream's doing, not the
 * page's, so it is set aside (and only when an event did arrive before it).
 */
async function recordLiveEvents(page: Page): Promise<void> {
  await page.addInitScript((streamPath) => {
    const arrivals: number[] = []
    Object.assign(window, { liveEventArrivals: arrivals })
    const fetchOfPage = window.fetch.bind(window)
    window.fetch = async (input, init) => {
      const response = await fetchOfPage(input, init)
      const url = new URL(input instanceof Request ? input.url : String(input), location.href)
      if (url.pathname !== streamPath || !response.body) return response
      const [forPage, forTest] = response.body.tee()
      const events = new WritableStream<string>({
        write(chunk) {
          // Comments (heartbeats) and `retry:` make the console refetch nothing.
          if (/^(id|event|data):/m.test(chunk)) arrivals.push(Date.now())
        },
      })
      void forTest
        .pipeThrough(new TextDecoderStream())
        .pipeTo(events)
        .catch(() => undefined)
      const { status, statusText, headers } = response
      return new Response(forPage, { status, statusText, headers })
    }
  }, LIVE_STREAM)
}

const liveEventArrivals = (page: Page): Promise<number[]> =>
  page.evaluate(
    () => (window as unknown as { liveEventArrivals?: number[] }).liveEventArrivals ?? [],
  )

/**
 * A refetch the live stream asked for: a GET of what was already fetched and answered, started
 * after a live event reached the page.
 */
function isLiveRefetch(call: Call, calls: Call[], arrivals: number[]): boolean {
  const repeated = calls.some(
    (earlier) => earlier.url === call.url && earlier.end !== undefined && earlier.end <= call.start,
  )
  return call.label.startsWith('GET ') && repeated && arrivals.some((at) => at < call.start)
}

/** Pairs where one call started only after another had answered: a waterfall. */
function waterfalls(calls: Call[]): string[] {
  return calls.flatMap((later) =>
    calls
      .filter((earlier) => earlier.end !== undefined && earlier.end <= later.start)
      .map((earlier) => `${later.label} waited for ${earlier.label}`),
  )
}

/** How many calls in a row each waited for the one before: 1 when all start together. */
function sequentialRounds(calls: Call[]): number {
  const depth = new Map<Call, number>()
  const byStart = [...calls].sort((a, b) => a.start - b.start)
  for (const call of byStart) {
    const before = byStart.filter((other) => other.end !== undefined && other.end <= call.start)
    depth.set(call, 1 + Math.max(0, ...before.map((other) => depth.get(other) ?? 0)))
  }
  return Math.max(0, ...depth.values())
}

interface PageLoad {
  /** The calls the page made for its data (and the login), in the order they started. */
  calls: Call[]
  liveStreams: number
  rounds: number
}

/**
 * The API calls from `navigate` until `dataShown` has seen the data on screen, and those that
 * start in the FOLLOW_UP_MS after it: a call that waits for another's answer starts then.
 */
async function measure(
  page: Page,
  navigate: () => Promise<unknown>,
  dataShown: Locator,
): Promise<PageLoad> {
  const all = recordApiCalls(page)
  await holdApiAnswers(page)
  await navigate()
  await expect(dataShown).toBeVisible()
  const cutOff = Date.now() + FOLLOW_UP_MS
  // Waiting is the point here: a call that would follow the data has this long to start.
  await page.waitForTimeout(FOLLOW_UP_MS)
  const isStream = (call: Call) => call.label === `GET ${LIVE_STREAM}`
  const started = all.filter((call) => call.start <= cutOff)
  const others = started.filter((call) => !isStream(call))
  await expect.poll(() => others.filter((call) => call.end === undefined)).toEqual([])
  // A refetch that starts later is no longer held: held past the test's end, its answer would be
  // fulfilled on a closed page ("Fetch response has been disposed").
  await page.unrouteAll({ behavior: 'ignoreErrors' })
  const arrivals = await liveEventArrivals(page)
  const calls = others
    .filter((call) => !isLiveRefetch(call, others, arrivals))
    .sort((a, b) => a.start - b.start)
  if (calls.length < others.length) {
    test.info().annotations.push({
      type: 'live refetch',
      description: `${others.length - calls.length} refetch(es) after live events set aside`,
    })
  }
  const liveStreams = started.filter(isStream).length
  return { calls, liveStreams, rounds: sequentialRounds(calls) }
}

/** Every API answer but the live stream's reaches the page HOLD_MS after the server gave it. */
async function holdApiAnswers(page: Page): Promise<void> {
  const isHeld = (url: URL) => url.pathname.startsWith('/api/') && url.pathname !== LIVE_STREAM
  await page.route(isHeld, async (route) => {
    const response = await route.fetch()
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS))
    await route.fulfill({ response })
  })
}

/** Logs in through the form, then leaves the console, so the next page loads from nothing. */
async function signedInElsewhere(page: Page, account: { email: string; password: string }) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Pool' })).toBeVisible()
  // The session stays in this tab's sessionStorage; nothing of the pool's page is left running.
  await page.goto('about:blank')
}

/** One page's calls, asserted: exactly `expected` (by method and path), all in one round. */
function expectOneRound(load: PageLoad, expected: string[]) {
  expect(load.calls.map((call) => call.label).sort(), 'the API calls').toEqual([...expected].sort())
  expect(waterfalls(load.calls), 'calls that waited for another call').toEqual([])
  expect(load.liveStreams, 'live streams opened').toBe(1)
}

const PAGES = [
  'Pool, right after login (counselor)',
  'My enquiries (counselor)',
  'An enquiry (counselor)',
  'Account (counselor)',
  'All enquiries (admin)',
  'Team (admin)',
  'Dashboard (admin)',
  'Routing rules (admin)',
  'SLA settings (admin)',
  'Webhooks (admin)',
  'A webhook endpoint (admin)',
  'Change password (admin)',
] as const
type PageName = (typeof PAGES)[number]
const measured = new Map<PageName, PageLoad>()
const note = (name: PageName, load: PageLoad) => measured.set(name, load)

// In order, in one worker, so that one worker holds the whole table.
test.describe.configure({ mode: 'default' })

test.describe('each console page gets its data in one round of API calls', () => {
  test.beforeEach(async ({ page }) => recordLiveEvents(page))

  test('the pool shows 20 rows after one pool call, made as soon as the login answers', async ({
    page,
    request,
  }) => {
    const counselor = await createCounselor(request)
    await Promise.all(Array.from({ length: 20 }, () => submitEnquiry(request)))
    await page.goto('/login')
    await page.getByLabel('Email').fill(counselor.email)
    await page.getByLabel('Password').fill(counselor.password)
    const rows = page.getByRole('table', { name: /^Unclaimed enquiries/ }).locator('tbody tr')
    const load = await measure(
      page,
      () => page.getByRole('button', { name: 'Log in' }).click(),
      rows.first(),
    )
    await expect(rows).toHaveCount(20)
    expect(load.calls.map((call) => call.label)).toEqual([
      'POST /api/auth/login',
      'GET /api/enquiries/unclaimed',
    ])
    // The one sequence there must be: the pool call needs the token the login answers with.
    const [login, pool] = load.calls
    expect(pool?.start).toBeGreaterThanOrEqual(login?.end ?? Number.POSITIVE_INFINITY)
    expect(load.rounds).toBe(2)
    expect(load.liveStreams, 'live streams opened').toBe(1)
    note('Pool, right after login (counselor)', load)
  })

  test.describe('as a counselor', () => {
    let counselor: Account
    let enquiry: Awaited<ReturnType<typeof submitEnquiry>>
    test.beforeEach(async ({ page, request }) => {
      counselor = await createCounselor(request)
      enquiry = await submitEnquiry(request)
      await claimThroughApi(request, counselor.token, enquiry.id)
      await signedInElsewhere(page, counselor)
    })

    test('my enquiries: the list and the follow-ups overdue and due today, side by side', async ({
      page,
    }) => {
      const load = await measure(
        page,
        () => page.goto('/enquiries'),
        page.getByRole('row', { name: new RegExp(enquiry.name) }),
      )
      expectOneRound(load, [
        'GET /api/enquiries/my-enquiries',
        'GET /api/enquiries/follow-ups',
        'GET /api/enquiries/follow-ups',
      ])
      note('My enquiries (counselor)', load)
    })

    test("an enquiry's page: one call", async ({ page }) => {
      const load = await measure(
        page,
        () => page.goto(`/enquiries/${enquiry.id}`),
        page.getByRole('heading', { level: 1, name: enquiry.name }),
      )
      expectOneRound(load, ['GET /api/enquiries/:id'])
      note('An enquiry (counselor)', load)
    })

    test('the account page: one call', async ({ page }) => {
      const load = await measure(
        page,
        () => page.goto('/account'),
        page.getByRole('switch', { name: 'Available for routed leads' }),
      )
      expectOneRound(load, ['GET /api/auth/me'])
      note('Account (counselor)', load)
    })
  })

  test.describe('as an admin', () => {
    test.beforeEach(async ({ page, request }) => {
      await submitEnquiry(request)
      await signedInElsewhere(page, ADMIN)
    })

    test('all enquiries: the list and the people to assign to, side by side', async ({ page }) => {
      const list = page.getByRole('table', { name: 'Enquiries matching the filters' })
      const load = await measure(
        page,
        () => page.goto('/admin/enquiries'),
        list.locator('tbody tr').first(),
      )
      expectOneRound(load, ['GET /api/enquiries', 'GET /api/employees'])
      note('All enquiries (admin)', load)
    })

    test('the team: one call', async ({ page }) => {
      const team = page.getByRole('table', { name: 'The team' })
      const load = await measure(
        page,
        () => page.goto('/admin/team'),
        team.locator('tbody tr').first(),
      )
      expectOneRound(load, ['GET /api/employees'])
      note('Team (admin)', load)
    })

    test('the dashboard: one call', async ({ page }) => {
      const load = await measure(
        page,
        () => page.goto('/admin/dashboard'),
        page.getByRole('img', { name: /^Of \d+ new enquiries/ }),
      )
      expectOneRound(load, ['GET /api/stats'])
      note('Dashboard (admin)', load)
    })

    test('routing rules: the rules and the counselors to choose from, side by side', async ({
      page,
    }) => {
      const rules = page
        .getByRole('table', { name: /^Routing rules/ })
        .or(page.getByText('No routing rules yet'))
      const load = await measure(page, () => page.goto('/admin/routing'), rules)
      expectOneRound(load, ['GET /api/routing-rules', 'GET /api/employees'])
      note('Routing rules (admin)', load)
    })

    test('the SLA settings: one call', async ({ page }) => {
      const load = await measure(
        page,
        () => page.goto('/admin/sla'),
        page.getByLabel('Track first-contact deadlines'),
      )
      expectOneRound(load, ['GET /api/settings/sla'])
      note('SLA settings (admin)', load)
    })

    test.describe('with a webhook endpoint', () => {
      let webhookId: string
      test.beforeEach(async ({ request }) => {
        // Switched off, so nothing is ever sent to this address.
        const webhook = await createWebhookThroughApi(request, {
          url: 'https://receiver.example.com/crm-events',
          events: ['enquiry.sla_breached'],
          active: false,
        })
        webhookId = webhook.id
      })

      test('the webhooks: one call', async ({ page }) => {
        const endpoints = page.getByRole('table', { name: 'Webhook endpoints' })
        const load = await measure(
          page,
          () => page.goto('/admin/webhooks'),
          endpoints.locator('tbody tr').first(),
        )
        expectOneRound(load, ['GET /api/webhooks'])
        note('Webhooks (admin)', load)
      })

      test("an endpoint's page: the endpoint and its delivery log, side by side", async ({
        page,
      }) => {
        const load = await measure(
          page,
          () => page.goto(`/admin/webhooks/${webhookId}`),
          page.getByText('Nothing sent yet.'),
        )
        expectOneRound(load, ['GET /api/webhooks/:id', 'GET /api/webhooks/:id/deliveries'])
        note('A webhook endpoint (admin)', load)
      })
    })

    test('the password page: no call but the live stream', async ({ page }) => {
      const load = await measure(
        page,
        () => page.goto('/account/password'),
        page.getByRole('heading', { level: 1, name: 'Change password' }),
      )
      expect(load.calls.map((call) => call.label)).toEqual([])
      expect(load.liveStreams, 'live streams opened').toBe(1)
      note('Change password (admin)', load)
    })
  })

  test.afterAll(() => {
    // Only a complete table, and only on request, as with the screenshots.
    if (!process.env.UPDATE_SCREENSHOTS || measured.size < PAGES.length) return
    writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'console-requests.md'), table())
  })
})

function table(): string {
  const rows = PAGES.map((name) => {
    const load = measured.get(name)
    if (!load) throw new Error(`${name} was not measured`)
    const calls = load.calls.map((call) => `\`${call.label}\``).join(', ') || 'none'
    const live = load.liveStreams > 0 ? 'yes' : 'no'
    return `| ${name} | ${load.calls.length} | ${calls} | ${live} | ${load.rounds} |`
  })
  return `# API calls per console page

Measured by \`web/e2e/api-calls.spec.ts\` in Chromium against the production build; rewritten by
\`UPDATE_SCREENSHOTS=1 npx playwright test -c web/playwright.config.ts web/e2e/api-calls.spec.ts\`.

Each page is loaded from its address in a tab that is already logged in (nothing cached), and the
API calls are counted from the navigation until the page shows its data (a row, the enquiry's name,
the chart's text alternative), plus ${FOLLOW_UP_MS} ms for a call that would wait for another. Each
answer is held ${HOLD_MS} ms on its way to the page, so that a call waiting for another shows as
such however fast the server answers, and calls started together never look sequential. The
pool is measured from pressing "Log in", with at least 20 enquiries in it, until its first row
shows (all 20 do). The live stream (\`GET ${LIVE_STREAM}\`) is counted apart; refetches that live
events from other tests cause are set aside. "Sequential rounds" is the longest chain of calls
where each started only after the one before had answered: 1 means a page's calls all start
together, with no waterfall.

| Page | API calls | Calls | Live stream | Sequential rounds |
|---|---|---|---|---|
${rows.join('\n')}

The pool's two rounds are the login and then the pool: the pool call needs the login's token, and
it starts as soon as the login answers (issue 12's budget: one round trip of data after login).
All enquiries asks for the list and for the active team (the Counselor filter and the Assign
menus) at the same time. My enquiries asks for the list and, beside it, for the follow-ups overdue
and due today (the API lists one \`when\` at a time).
The routing rules page asks for the rules and for the active team (the counselors a rule names, and
to choose from) at the same time. A webhook endpoint's page asks for the endpoint and for the first
page of its delivery log at the same time (the log is asked again every 2 s only while a delivery
on the page shown is pending).
`
}
