import { expect, test } from '@playwright/test'
import {
  ADMIN,
  claimThroughApi,
  createCounselor,
  enquiryThroughApi,
  expectAccessible,
  logIn,
  putSlaSettingsThroughApi,
  type SlaSettings,
  submitEnquiry,
} from './support'

// The SLA settings are global: these tests take turns, use onBreach "notify" (other tests' leads
// stay where they are), and switch the SLA off again after each.
test.describe.configure({ mode: 'serial' })

const OFF: SlaSettings = {
  enabled: false,
  firstContact: { high: 'PT30M', medium: 'PT4H', low: 'P1D' },
  businessHours: null,
  onBreach: 'notify',
  warnBefore: null,
}

test.afterEach(async ({ request }) => putSlaSettingsThroughApi(request, OFF))

test('an admin sets the first-contact SLA; a wrong duration is named beside its field', async ({
  page,
}) => {
  await logIn(page, ADMIN)
  await page.getByRole('link', { name: 'SLA settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'SLA settings' })).toBeVisible()
  const enabled = page.getByLabel('Track first-contact deadlines')
  await expect(enabled).not.toBeChecked()
  await enabled.check()
  const high = page.getByLabel('High priority')
  await high.fill('30 minutes')
  await page.getByLabel('Warn before the deadline').fill('PT10M')
  await page.getByRole('radio', { name: 'Only in business hours' }).check()
  await page.getByLabel('Time zone').fill('Europe/London')
  await page.getByRole('group', { name: 'Working days' }).getByLabel('Friday').uncheck()
  await page.getByLabel('Day starts').fill('09:00')
  await page.getByLabel('Day ends').fill('17:30')
  await expect(page.getByRole('radio', { name: 'Record and notify' })).toBeChecked()

  await page.getByRole('button', { name: 'Save SLA settings' }).click()
  await expect(page.getByText('must be a positive ISO 8601 duration, such as PT30M')).toBeVisible()
  await expect(high).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, 'the SLA settings with an error')

  await high.fill('PT1H')
  await expect(page.getByText('1 hour', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Save SLA settings' }).click()
  await expect(page.getByRole('status')).toHaveText(
    'Saved. Leads that get an owner from now on have a first-contact deadline.',
  )
  await expectAccessible(page, 'the SLA settings')

  await page.reload()
  await expect(enabled).toBeChecked()
  await expect(high).toHaveValue('PT1H')
  await expect(page.getByLabel('Warn before the deadline')).toHaveValue('PT10M')
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/London')
  await expect(
    page.getByRole('group', { name: 'Working days' }).getByLabel('Friday'),
  ).not.toBeChecked()
  await expect(page.getByRole('group', { name: 'Working days' }).getByLabel('Monday')).toBeChecked()
})

test('claimed leads show their first-contact deadline and state; a late one shows breached', async ({
  page,
  request,
}) => {
  test.slow()
  // High: on track for half an hour. Medium: due soon two seconds after the claim. Low: breached
  // after three (a warning would come before the claim, so there is none).
  await putSlaSettingsThroughApi(request, {
    enabled: true,
    firstContact: { high: 'PT1H', medium: 'PT30M2S', low: 'PT3S' },
    businessHours: null,
    onBreach: 'notify',
    warnBefore: 'PT30M',
  })
  const counselor = await createCounselor(request, 'Timed')
  const onTime = await submitEnquiry(request, { priority: 'high' })
  const soon = await submitEnquiry(request, { priority: 'medium' })
  const late = await submitEnquiry(request, { priority: 'low' })
  for (const enquiry of [onTime, soon, late]) {
    await claimThroughApi(request, counselor.token, enquiry.id)
  }
  const { firstContactDueAt } = await enquiryThroughApi(request, onTime.id)
  expect(firstContactDueAt).not.toBeNull()

  await logIn(page, counselor)
  await page.getByRole('link', { name: 'My enquiries' }).click()
  const rowOf = (name: string) => page.getByRole('row', { name: new RegExp(name) })
  await expect(rowOf(onTime.name)).toContainText('On track')
  await expect(rowOf(onTime.name).locator(`time[datetime="${firstContactDueAt}"]`)).toBeVisible()

  // The deadlines pass; the state is the server's, so a fresh page shows it.
  await expect(async () => {
    await page.reload()
    await expect(rowOf(late.name)).toContainText('Breached', { timeout: 3000 })
    await expect(rowOf(soon.name)).toContainText('Due soon', { timeout: 3000 })
  }).toPass({ timeout: 20_000 })
  await expect(rowOf(onTime.name)).toContainText('On track')
  await expectAccessible(page, 'my enquiries with first-contact states')

  await rowOf(late.name).getByRole('link', { name: late.name }).click()
  const contact = page.getByRole('region', { name: 'Contact' })
  await expect(contact).toContainText('First contact')
  await expect(contact).toContainText('Breached')

  // Contacted in time: met.
  await page.goto(`/enquiries/${onTime.id}`)
  await expect(contact).toContainText('On track')
  await page.getByRole('button', { name: 'Mark as contacted' }).click()
  await expect(page.getByText('Status changed to contacted.')).toBeVisible()
  await expect(contact).toContainText('Met')
  await expect(contact).toContainText('contacted')

  // The admin's list shows the same.
  const adminPage = await page.context().newPage()
  await logIn(adminPage, ADMIN)
  await adminPage.goto('/admin/enquiries')
  await adminPage.getByLabel('Search').fill(late.name)
  await adminPage.getByRole('button', { name: 'Apply filters' }).click()
  await expect(adminPage.getByRole('row', { name: new RegExp(late.name) })).toContainText(
    'Breached',
  )
})

test('with the SLA off, a claimed lead shows no deadline', async ({ page, request }) => {
  const counselor = await createCounselor(request, 'Untimed')
  const enquiry = await submitEnquiry(request)
  await claimThroughApi(request, counselor.token, enquiry.id)
  await logIn(page, counselor)
  await page.goto(`/enquiries/${enquiry.id}`)
  await expect(page.getByRole('heading', { level: 1, name: enquiry.name })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Contact' })).not.toContainText('First contact')
})
