import { expect, test } from '@playwright/test'
import {
  createCounselor,
  expectAccessible,
  logIn,
  screenshot,
  searchPool,
  submitEnquiry,
} from './support'

test.describe('a counselor works an enquiry from the pool to converted', () => {
  test('sees a submitted enquiry in the pool, claims it, contacts, notes and converts it', async ({
    page,
    request,
  }, testInfo) => {
    test.slow() // one long story with five accessibility scans
    const counselor = await createCounselor(request, 'Priya')
    const enquiry = await submitEnquiry(request, {
      priority: 'high',
      courseInterest: 'Data Science',
    })
    await submitEnquiry(request, { courseInterest: 'UX Design', source: 'referral' })

    await page.goto('/login')
    await expectAccessible(page, 'the login page')
    await logIn(page, counselor)

    const row = page.getByRole('row', { name: new RegExp(enquiry.name) })
    await expect(row).toBeVisible()
    await expect(row).toContainText('Data Science')
    await expect(row).toContainText('High')
    await expectAccessible(page, 'the pool')
    await screenshot(page, testInfo, 'pool')

    await searchPool(page, enquiry.name)
    await expect(page.getByRole('row')).toHaveCount(2) // the header and this enquiry
    await row.getByRole('button', { name: 'Claim' }).click()
    await expect(page.getByRole('status')).toContainText(`You claimed ${enquiry.name}'s enquiry`)
    await expect(row).toHaveCount(0)

    await page.getByRole('link', { name: `Open ${enquiry.name}'s enquiry` }).click()
    await expect(page.getByRole('heading', { level: 1, name: enquiry.name })).toBeVisible()
    await expect(page.getByRole('link', { name: enquiry.email })).toHaveAttribute(
      'href',
      `mailto:${enquiry.email}`,
    )
    await expect(page.getByRole('link', { name: enquiry.phone })).toHaveAttribute(
      'href',
      /^tel:\+44/,
    )
    await expect(page.getByText(enquiry.message)).toBeVisible()
    // Only the moves the API allows from claimed are offered.
    await expect(page.getByRole('button', { name: /^Mark as/ })).toHaveText([
      'Mark as contacted',
      'Mark as converted',
      'Mark as lost',
    ])

    await page.getByRole('button', { name: 'Mark as contacted' }).click()
    await expect(page.getByText('Status changed to contacted.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Mark as contacted' })).toHaveCount(0)

    await page
      .getByLabel('Note', { exact: true })
      .fill('Called: wants the evening cohort, sending the brochure.')
    await page.getByRole('button', { name: 'Add note' }).click()
    const notes = page.getByRole('region', { name: 'Notes' })
    await expect(notes.getByText('Called: wants the evening cohort')).toBeVisible()
    await expect(notes).toContainText(counselor.name)

    await page.getByRole('button', { name: 'Mark as converted' }).click()
    await expect(page.getByText('Status changed to converted.')).toBeVisible()
    await expect(page.getByRole('button', { name: /^Mark as/ })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Release to pool' })).toHaveCount(0)

    const activity = page.getByRole('region', { name: 'Activity' })
    await expect(activity).toContainText(`Claimed by ${counselor.name}`)
    await expect(activity).toContainText('Status changed from Claimed to Contacted')
    await expect(activity).toContainText('Status changed from Contacted to Converted')
    await expectAccessible(page, 'the enquiry page')
    await screenshot(page, testInfo, 'enquiry-detail')

    await page.getByRole('link', { name: 'My enquiries' }).click()
    await page.getByRole('link', { name: 'Converted' }).click()
    await expect(page.getByRole('row', { name: new RegExp(enquiry.name) })).toContainText(
      'Converted',
    )
    await expectAccessible(page, 'my enquiries')
  })

  test('a claimed enquiry can be released back to the pool', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    const enquiry = await submitEnquiry(request)
    await logIn(page, counselor)
    await searchPool(page, enquiry.name)
    await page.getByRole('button', { name: `Claim ${enquiry.name}'s enquiry` }).click()
    await page.getByRole('link', { name: `Open ${enquiry.name}'s enquiry` }).click()

    await page.getByRole('button', { name: 'Release to pool' }).click()
    await expect(page.getByText('Released: the enquiry is back in the pool.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Claim', exact: true })).toBeVisible()

    await page.getByRole('link', { name: 'Pool' }).click()
    await searchPool(page, enquiry.name)
    await expect(page.getByRole('row', { name: new RegExp(enquiry.name) })).toBeVisible()
  })

  test('the claim works with the keyboard alone', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    const enquiry = await submitEnquiry(request)
    await logIn(page, counselor)
    await page.getByLabel('Search').focus()
    await page.keyboard.type(enquiry.name)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/[?&]q=/)
    const claim = page.getByRole('button', { name: `Claim ${enquiry.name}'s enquiry` })
    await expect(claim).toBeVisible()
    // Tab from the search field until the Claim button has focus.
    await page.getByLabel('Search').focus()
    for (let presses = 0; presses < 30; presses++) {
      await page.keyboard.press('Tab')
      if (await claim.evaluate((element) => element === document.activeElement)) break
    }
    await expect(claim).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('status')).toContainText(`You claimed ${enquiry.name}'s enquiry`)
  })
})
