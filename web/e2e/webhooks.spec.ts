import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, type Page, test } from '@playwright/test'
import { Webhook } from 'standardwebhooks'
import { ADMIN, createCounselor, createWebhookThroughApi, expectAccessible, logIn } from './support'

// Each test has its own receiver and its own endpoint, subscribed to an event no other browser
// test causes (the specs share one server: the SLA spec breaches leads, the admin spec only tries
// to deactivate itself and is refused), so a new endpoint's log starts empty; the other assertions
// look at the `webhook.test` rows the test itself sends.
const QUIET_EVENT = 'employee.deactivated'

interface Delivered {
  headers: IncomingHttpHeaders
  body: string
}

/** An HTTP receiver on 127.0.0.1 that answers `status` (200 with no body, or 500 with a reason). */
interface Receiver {
  url: string
  received: Delivered[]
  answer: (status: number) => void
  close: () => Promise<void>
}

const openReceivers: Receiver[] = []

async function startReceiver(): Promise<Receiver> {
  const received: Delivered[] = []
  let status = 200
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    received.push({ headers: request.headers, body })
    response.writeHead(status, { 'content-type': 'text/plain' })
    response.end(status === 200 ? '' : 'the receiver is down for maintenance')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/${randomBytes(4).toString('hex')}`,
    received,
    answer: (next) => {
      status = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  openReceivers.push(receiver)
  return receiver
}

test.afterEach(async () => {
  await Promise.all(openReceivers.splice(0).map((receiver) => receiver.close()))
})

/** The `webhook.test` event the receiver got, checked against the signing secret. */
function verifiedTestEvent(receiver: Receiver, secret: string) {
  const delivery = receiver.received.find((item) => item.body.includes('"webhook.test"'))
  if (!delivery) throw new Error('the receiver got no webhook.test event')
  const header = (name: string) => String(delivery.headers[name] ?? '')
  return new Webhook(secret).verify(delivery.body, {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  }) as { type: string; data: { webhookId: string } }
}

/** The one-time secret's box. */
const secretField = (page: Page) =>
  page.getByRole('textbox', { name: 'Signing secret', exact: true })

/** The test event's row in the delivery log. */
const testEventRow = (page: Page) => page.getByRole('row', { name: /webhook\.test/ })

async function openEndpoint(page: Page, id: string, url: string) {
  await logIn(page, ADMIN)
  await page.goto(`/admin/webhooks/${id}`)
  await expect(page.getByRole('heading', { level: 1, name: url })).toBeVisible()
}

test.describe('an admin manages webhook endpoints', () => {
  test('adds an endpoint, sees its secret once, and a signed test event is delivered', async ({
    page,
  }) => {
    const receiver = await startReceiver()
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await logIn(page, ADMIN)
    await page.getByRole('link', { name: 'Webhooks' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible()
    await expectAccessible(page, 'the webhooks page')

    await page.getByLabel('Endpoint URL').fill(receiver.url)
    await page.getByRole('checkbox', { name: new RegExp(QUIET_EVENT) }).check()
    await page.getByLabel('Description (optional)').fill('The browser test receiver')
    await page.getByRole('button', { name: 'Add endpoint' }).click()

    // The secret, once: focused so nobody misses it, with a copy button and a plain warning.
    await expect(
      page.getByRole('heading', { name: `Signing secret for ${receiver.url}` }),
    ).toBeFocused()
    await expect(page.getByText('it will not be shown again')).toBeVisible()
    const secret = await secretField(page).inputValue()
    expect(secret).toMatch(/^whsec_/)
    await page.getByRole('button', { name: 'Copy the secret' }).click()
    await expect(page.getByText('Copied to the clipboard.')).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)
    await expectAccessible(page, 'the secret shown once')

    const row = page.getByRole('row', { name: new RegExp(receiver.url) })
    await expect(row).toContainText(QUIET_EVENT)
    await expect(row).toContainText('Active')
    await expect(row).toContainText('The browser test receiver')

    // Gone after a reload, and nowhere on the endpoint's own page.
    await page.reload()
    await expect(row).toBeVisible()
    await expect(secretField(page)).toHaveCount(0)
    await row.getByRole('link', { name: receiver.url }).click()
    await expect(page.getByRole('heading', { level: 1, name: receiver.url })).toBeVisible()
    await expect(page.getByText('Nothing sent yet.')).toBeVisible()
    expect(await page.content()).not.toContain(secret)
    await expectAccessible(page, "an endpoint's page")

    await page.getByRole('button', { name: 'Send a test event' }).click()
    await expect(testEventRow(page)).toContainText('Delivered', { timeout: 20_000 })
    await expect(testEventRow(page).getByRole('cell')).toHaveText([
      'Delivered',
      '1',
      '200',
      /^\d+ ms$/,
      '—',
      '—',
      'Send again',
    ])
    const event = verifiedTestEvent(receiver, secret)
    expect(event.type).toBe('webhook.test')
    expect(page.url()).toContain(`/admin/webhooks/${event.data.webhookId}`)
  })

  test('sees a failing receiver, retries once it is fixed, and sees the delivery arrive', async ({
    page,
    request,
  }) => {
    const receiver = await startReceiver()
    const webhook = await createWebhookThroughApi(request, {
      url: receiver.url,
      events: [QUIET_EVENT],
    })
    receiver.answer(500)
    await openEndpoint(page, webhook.id, webhook.url)

    await page.getByRole('button', { name: 'Send a test event' }).click()
    await expect(page.getByText('Test event queued')).toBeVisible()
    // Three attempts, a second apart here (WEBHOOK_RETRY_DELAYS in the config), then failed.
    const row = testEventRow(page)
    await expect(row).toContainText('Failed', { timeout: 30_000 })
    await expect(row.getByRole('cell')).toHaveText([
      'Failed',
      '3',
      '500',
      /^\d+ ms$/,
      /the receiver answered 500/,
      '—',
      'Retry',
    ])
    await row.getByText("The receiver's answer").click()
    await expect(row.getByText('the receiver is down for maintenance')).toBeVisible()
    await expectAccessible(page, 'a failed delivery in the log')

    receiver.answer(200)
    await row.getByRole('button', { name: /^Retry/ }).click()
    await expect(page.getByText('Sending the webhook.test event again.')).toBeVisible()
    await expect(row).toContainText('Delivered', { timeout: 20_000 })
    await expect(row.getByRole('cell')).toHaveText([
      'Delivered',
      '4',
      '200',
      /^\d+ ms$/,
      '—',
      '—',
      'Send again',
    ])
    // The retry is the same message to the receiver: one webhook-id on every attempt.
    const attempts = receiver.received.filter((item) => item.body.includes('"webhook.test"'))
    expect(attempts).toHaveLength(4)
    expect(new Set(attempts.map((item) => item.headers['webhook-id'])).size).toBe(1)
  })

  test('rotates the secret, changes events and state, and deletes the endpoint', async ({
    page,
    request,
  }) => {
    const receiver = await startReceiver()
    const webhook = await createWebhookThroughApi(request, {
      url: receiver.url,
      events: [QUIET_EVENT],
    })
    await openEndpoint(page, webhook.id, webhook.url)

    // Rotating asks first; Escape leaves everything as it was.
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    const rotateDialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' })
    await expect(rotateDialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
    await expectAccessible(page, 'the rotate question')
    await page.keyboard.press('Escape')
    await expect(rotateDialog).toBeHidden()
    await expect(page.getByRole('button', { name: 'Rotate secret' })).toBeFocused()
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    await rotateDialog.getByRole('button', { name: 'Rotate secret' }).click()
    const secret = await secretField(page).inputValue()
    expect(secret).toMatch(/^whsec_/)
    expect(secret).not.toBe(webhook.secret)
    await page.getByRole('button', { name: 'Done: I have stored it' }).click()
    await expect(secretField(page)).toHaveCount(0)

    // What is sent now is signed with the new secret.
    await page.getByRole('button', { name: 'Send a test event' }).click()
    await expect(testEventRow(page)).toContainText('Delivered', { timeout: 20_000 })
    expect(verifiedTestEvent(receiver, secret).type).toBe('webhook.test')
    expect(() => verifiedTestEvent(receiver, webhook.secret)).toThrow()

    await page.getByRole('checkbox', { name: new RegExp(QUIET_EVENT) }).uncheck()
    await page.getByRole('checkbox', { name: /enquiry\.follow_up_due/ }).check()
    await page.getByRole('checkbox', { name: /^Active/ }).uncheck()
    await page.getByLabel('Description (optional)').fill('Paused while the receiver moves')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByText('Saved.')).toBeVisible()
    await page.reload()
    await expect(page.getByRole('checkbox', { name: /enquiry\.follow_up_due/ })).toBeChecked()
    await expect(page.getByRole('checkbox', { name: new RegExp(QUIET_EVENT) })).not.toBeChecked()
    await expect(page.getByRole('checkbox', { name: /^Active/ })).not.toBeChecked()

    await page.getByRole('link', { name: 'All webhook endpoints' }).click()
    const row = page.getByRole('row', { name: new RegExp(receiver.url) })
    await expect(row.getByRole('cell')).toHaveText([
      'enquiry.follow_up_due',
      'Off',
      'Paused while the receiver moves',
      /\d/,
    ])

    await row.getByRole('link', { name: receiver.url }).click()
    await page.getByRole('button', { name: 'Delete endpoint' }).click()
    const deleteDialog = page.getByRole('dialog', { name: 'Delete this endpoint?' })
    await expect(deleteDialog).toContainText(receiver.url)
    await deleteDialog.getByRole('button', { name: 'Delete endpoint' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible()
    await expect(page.getByText(`Deleted the endpoint ${receiver.url}.`)).toBeVisible()
    await expect(page.getByRole('row', { name: new RegExp(receiver.url) })).toHaveCount(0)
  })

  test('is told beside the field what is wrong with a URL or the events', async ({ page }) => {
    await logIn(page, ADMIN)
    await page.goto('/admin/webhooks')
    const url = page.getByLabel('Endpoint URL')
    await url.fill('ftp://files.example.com/hooks')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    // No event chosen: said before anything is sent.
    const events = page.getByRole('group', { name: 'Events to send' })
    await expect(events).toHaveAccessibleDescription(
      'Choose at least one event, or send all events.',
    )

    await page.getByRole('radio', { name: /^All events/ }).check()
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(url).toHaveAccessibleDescription(
      /The URL must be an address that starts with http:\/\/ or https:\/\/, without spaces$/,
    )
    await expect(url).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByRole('alert')).toHaveText(
      'Some fields need changing: see the messages beside them.',
    )
    await expectAccessible(page, 'the form with its errors')

    // An event type the API does not know (a console older than the API, say): the API's answer
    // is shown beside the events.
    await page.route('**/api/webhooks', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>
      await route.continue({ postData: JSON.stringify({ ...body, events: ['enquiry.exploded'] }) })
    })
    await url.fill('https://hooks.example.com/crm')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(events).toHaveAccessibleDescription(/^Events must be one of: enquiry\.created/)
    await expect(url).not.toHaveAttribute('aria-invalid')
    await expect(secretField(page)).toHaveCount(0)
  })

  test('a counselor sees no Webhooks link and is told the page is for admins', async ({
    page,
    request,
  }) => {
    const counselor = await createCounselor(request)
    await logIn(page, counselor)
    await expect(page.getByRole('link', { name: 'Webhooks' })).toHaveCount(0)
    await page.goto('/admin/webhooks')
    await expect(page.getByRole('heading', { level: 1, name: 'Admins only' })).toBeVisible()
    await page.goto(`/admin/webhooks/${'a'.repeat(24)}`)
    await expect(page.getByRole('heading', { level: 1, name: 'Admins only' })).toBeVisible()
  })
})
