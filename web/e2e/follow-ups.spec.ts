import { expect, type Page, test } from '@playwright/test'
import {
  claimThroughApi,
  createCounselor,
  enquiryThroughApi,
  expectAccessible,
  logIn,
  submitEnquiry,
} from './support'

// "Today" is the browser's day. The browser runs in a zone where it is about noon now, so an hour
// either side is still today whenever the test runs; the console must send that zone (tz).
const hoursAhead = 12 - new Date().getUTCHours()
const timezoneId =
  hoursAhead === 0 ? 'UTC' : `Etc/GMT${hoursAhead > 0 ? '-' : '+'}${Math.abs(hoursAhead)}`
test.use({ timezoneId })

/** A datetime-local value `minutes` from now, in the browser's time zone. */
const localInputIn = (page: Page, minutes: number) =>
  page.evaluate((offset) => {
    const at = new Date(Date.now() + offset * 60_000)
    const pad = (value: number) => String(value).padStart(2, '0')
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`
  }, minutes)

test('a counselor sets follow-ups, sees them in My enquiries under today and overdue, and clears one', async ({
  page,
  request,
}) => {
  test.slow()
  const counselor = await createCounselor(request, 'Follower')
  const later = await submitEnquiry(request)
  const missed = await submitEnquiry(request)
  await claimThroughApi(request, counselor.token, later.id)
  await claimThroughApi(request, counselor.token, missed.id)
  await logIn(page, counselor)

  // Later today, with a note.
  await page.goto(`/enquiries/${later.id}`)
  const followUp = page.getByRole('region', { name: 'Follow-up', exact: true })
  await expect(followUp).toContainText('No follow-up set.')
  await followUp.getByLabel('Follow up on').fill(await localInputIn(page, 60))
  await followUp.getByLabel('Follow-up note (optional)').fill('Call after the open day')
  await followUp.getByRole('button', { name: 'Set follow-up' }).click()
  await expect(followUp.getByRole('status')).toContainText('Follow-up set for')
  await expect(followUp).toContainText('Call after the open day')
  const stored = await enquiryThroughApi(request, later.id)
  expect(stored.followUpAt).not.toBeNull()
  await expect(followUp.locator('p time')).toHaveAttribute('datetime', stored.followUpAt ?? '')
  await expect(page.getByRole('region', { name: 'Activity' })).toContainText('Follow-up set for')
  await expectAccessible(page, 'an enquiry with a follow-up')

  // An hour ago: overdue.
  await page.goto(`/enquiries/${missed.id}`)
  await followUp.getByLabel('Follow up on').fill(await localInputIn(page, -60))
  await followUp.getByRole('button', { name: 'Set follow-up' }).click()
  await expect(followUp.getByRole('status')).toContainText('Follow-up set for')

  await page.getByRole('link', { name: 'My enquiries' }).click()
  const panel = page.getByRole('region', { name: 'Follow-ups' })
  const overdue = panel.getByRole('list', { name: 'Overdue' })
  const today = panel.getByRole('list', { name: 'Due today' })
  await expect(today.getByRole('listitem')).toHaveText([
    new RegExp(`${later.name} .*Call after the open day`),
  ])
  await expect(overdue.getByRole('listitem')).toHaveText([new RegExp(missed.name)])
  await expectAccessible(page, 'my enquiries with follow-ups')

  // Done with the later one: cleared, it leaves the list.
  await today.getByRole('link', { name: later.name }).click()
  await expect(page.getByRole('heading', { level: 1, name: later.name })).toBeVisible()
  await followUp.getByRole('button', { name: 'Clear follow-up' }).click()
  await expect(followUp.getByRole('status')).toHaveText('Follow-up cleared.')
  await expect(followUp).toContainText('No follow-up set.')
  await page.getByRole('link', { name: 'My enquiries' }).click()
  await expect(panel).toContainText('Nothing else due today.')
  await expect(overdue.getByRole('listitem')).toHaveText([new RegExp(missed.name)])
})

test('a follow-up belongs to the lead’s owner: released to the pool, the lead has none', async ({
  page,
  request,
}) => {
  const counselor = await createCounselor(request, 'Releaser')
  const enquiry = await submitEnquiry(request)
  await claimThroughApi(request, counselor.token, enquiry.id)
  await logIn(page, counselor)
  await page.goto(`/enquiries/${enquiry.id}`)
  const followUp = page.getByRole('region', { name: 'Follow-up', exact: true })
  await followUp.getByLabel('Follow up on').fill(await localInputIn(page, 30))
  await followUp.getByRole('button', { name: 'Set follow-up' }).click()
  await expect(followUp.locator('p time')).toBeVisible()

  await page.getByRole('button', { name: 'Release to pool' }).click()
  await expect(page.getByText('Released: the enquiry is back in the pool.')).toBeVisible()
  await expect(followUp).toHaveCount(0)
  expect((await enquiryThroughApi(request, enquiry.id)).followUpAt).toBeNull()
})
