import { expect, test } from '@playwright/test'
import { claimThroughApi, createCounselor, logIn, submitEnquiry } from './support'

test('the pool is live: a new enquiry appears and a claimed one leaves within 2 s, no reload', async ({
  page,
  request,
}) => {
  const [watcher, claimer] = await Promise.all([
    createCounselor(request, 'Watcher'),
    createCounselor(request, 'Claimer'),
  ])
  const streamOpened = page.waitForResponse((response) => response.url().endsWith('/api/events'))
  await logIn(page, watcher)
  await streamOpened
  let reloads = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) reloads++
  })

  const enquiry = await submitEnquiry(request)
  const row = page.getByRole('row', { name: new RegExp(enquiry.name) })
  await expect(row).toBeVisible({ timeout: 2000 })

  await claimThroughApi(request, claimer.token, enquiry.id)
  await expect(row).toHaveCount(0, { timeout: 2000 })
  expect(reloads).toBe(0)
})
