import { expect, test } from '@playwright/test'
import {
  ADMIN,
  createCounselor,
  expectAccessible,
  fillEnquiryForm,
  logIn,
  prospectName,
  screenshot,
  searchPool,
  statsThroughApi,
  submitEnquiry,
} from './support'

test.describe('the seed’s workflow, in the browser', () => {
  test('a prospect submits the form; a counselor claims, contacts, notes and converts it; the admin’s dashboard counts it', async ({
    page,
    request,
  }, testInfo) => {
    test.slow() // one long story with six accessibility scans
    const today = new Date().toISOString().slice(0, 10)
    const before = await statsThroughApi(request)
    const counselor = await createCounselor(request, 'Priya')
    await submitEnquiry(request, { courseInterest: 'UX Design', source: 'referral' })

    // A prospect sends the public form.
    const name = prospectName()
    await page.goto('/form')
    await expect(page.getByRole('heading', { level: 1, name: 'Send us an enquiry' })).toBeVisible()
    await expectAccessible(page, 'the public form')
    await screenshot(page, testInfo, 'form')
    const sent = await fillEnquiryForm(page, name)
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByRole('status')).toContainText(`Thank you, ${name}!`)

    // A counselor logs in and finds it in the pool.
    await page.goto('/login')
    await expectAccessible(page, 'the login page')
    await logIn(page, counselor)
    const row = page.getByRole('row', { name: new RegExp(name) })
    await expect(row).toBeVisible()
    await expect(row).toContainText('Data Science')
    await expect(row).toContainText('Is there an evening class?')
    await expectAccessible(page, 'the pool')
    await screenshot(page, testInfo, 'pool')

    // Claims it.
    await searchPool(page, name)
    await expect(page.getByRole('row')).toHaveCount(2) // the header and this enquiry
    await row.getByRole('button', { name: 'Claim' }).click()
    await expect(page.getByRole('status')).toContainText(`You claimed ${name}'s enquiry`)
    await expect(row).toHaveCount(0)

    await page.getByRole('link', { name: `Open ${name}'s enquiry` }).click()
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
    await expect(page.getByRole('link', { name: sent.Email })).toHaveAttribute(
      'href',
      `mailto:${sent.Email}`,
    )
    await expect(page.getByRole('link', { name: sent.Phone })).toHaveAttribute(
      'href',
      /^tel:\+1555/,
    )
    await expect(page.getByText('Is there an evening class?')).toBeVisible()
    // Only the moves the API allows from claimed are offered.
    await expect(page.getByRole('button', { name: /^Mark as/ })).toHaveText([
      'Mark as contacted',
      'Mark as converted',
      'Mark as lost',
    ])

    // Marks it contacted, adds a note, converts it.
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
    await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Converted')
    await expectAccessible(page, 'my enquiries')

    // The admin's dashboard counts it.
    await page.getByRole('button', { name: 'Log out' }).click()
    await logIn(page, ADMIN)
    await page.getByRole('link', { name: 'Dashboard' }).click()
    await expect(page.getByRole('heading', { level: 2, name: 'Funnel' })).toBeVisible()
    await expect(page.locator('.chart-canvas canvas')).toHaveCount(6)

    // Other tests add enquiries meanwhile; only this one converts, and only Priya is this test's.
    const converted = page.locator('.figures li', { hasText: 'converted' }).locator('strong')
    await expect(converted).toHaveText(String((before.byStatus.converted ?? 0) + 1))
    const priya = page.getByRole('row', { name: new RegExp(`^${counselor.name} `) })
    await expect(priya.getByRole('cell')).toHaveText([
      '0', // open leads
      '1', // converted
      '0', // lost
      '100%',
      /^\d+ (seconds?|minutes?)$/, // median time to claim
    ])

    // The per-day chart's text alternative: a table, a row a day, today's last.
    const perDay = page.getByRole('table', { name: /^Enquiries per day, last 30 days/ })
    const days = perDay.getByRole('row')
    await expect(days).toHaveCount(31) // the header and 30 days
    await expect(days.last().locator('time')).toHaveAttribute('datetime', today)
    const countedToday = Number(await days.last().getByRole('cell').textContent())
    const beforeToday = before.byDay.find((day) => day.date === today)?.count ?? 0
    expect(countedToday).toBeGreaterThanOrEqual(beforeToday + 2) // the form's and the other one
    await expect(
      page.getByRole('img', { name: new RegExp(` in the last 30 days, ${countedToday} today;`) }),
    ).toBeVisible()
    await expectAccessible(page, 'the dashboard')
    await screenshot(page, testInfo, 'dashboard')
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
