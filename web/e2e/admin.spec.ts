import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { ADMIN, createCounselor, expectAccessible, logIn, submitEnquiry } from './support'

test.describe('an admin runs the team and the whole pipeline', () => {
  test('adds a counselor, changes a role, and is told the API guards plainly', async ({ page }) => {
    const id = Date.now().toString(36)
    await logIn(page, ADMIN)
    await page.getByRole('link', { name: 'Team' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Team' })).toBeVisible()

    await page.getByLabel('Name').fill(`Dana ${id}`)
    await page.getByLabel('Email').fill(`dana-${id}@console-tests.example.com`)
    await page.getByLabel('Initial password').fill('dana-password-1')
    await page.getByRole('button', { name: 'Add to the team' }).click()
    await expect(page.getByText(`Added Dana ${id} to the team.`)).toBeVisible()
    const row = page.getByRole('row', { name: new RegExp(`Dana ${id}`) })
    await expect(row).toContainText('Counselor')
    await expectAccessible(page, 'the team page')

    await row.getByRole('button', { name: 'Make admin' }).click()
    await expect(row).toContainText('Admin')
    await row.getByRole('button', { name: 'Make counselor' }).click()
    await expect(row).toContainText('Counselor')

    const me = page.getByRole('row', { name: /\(you\)/ })
    await me.getByRole('button', { name: 'Deactivate' }).click()
    await expect(page.getByRole('alert')).toHaveText('You cannot deactivate or demote yourself')
  })

  test('assigns an unassigned enquiry, downloads the CSV and reads the dashboard', async ({
    page,
    request,
  }) => {
    test.slow()
    const counselor = await createCounselor(request, 'Assignee')
    const enquiry = await submitEnquiry(request, { source: 'event', priority: 'high' })
    await logIn(page, ADMIN)
    await page.getByRole('link', { name: 'All enquiries' }).click()
    await page.getByLabel('Counselor').selectOption('none')
    await page.getByLabel('Search').fill(enquiry.name)
    await page.getByRole('button', { name: 'Apply filters' }).click()
    const row = page.getByRole('row', { name: new RegExp(enquiry.name) })
    await expect(row).toContainText('Unassigned')
    await expectAccessible(page, 'all enquiries')

    await row.getByLabel(`Assign ${enquiry.name}'s enquiry to`).selectOption(counselor.name)
    await row.getByRole('button', { name: 'Assign' }).click()
    // Assigned, it leaves the unassigned list.
    await expect(row).toHaveCount(0)
    await page.getByLabel('Counselor').selectOption(counselor.name)
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect(page.getByRole('row', { name: new RegExp(enquiry.name) })).toContainText(
      counselor.name,
    )

    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download CSV' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^enquiries-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = readFileSync(await download.path(), 'utf8')
    expect(csv).toContain(enquiry.email)

    // The dashboard: the assignment is the counselor's one open lead.
    await page.getByRole('link', { name: 'Dashboard' }).click()
    await expect(page.getByRole('img', { name: /^Of \d+ new enquiries/ })).toBeVisible()
    await expect(page.locator('.chart-canvas canvas').first()).toBeVisible()
    // Each chart's numbers are a table that screen readers always have and anyone can show.
    const bySource = page.getByRole('table', { name: 'Enquiries by source' })
    await expect(bySource).toBeAttached()
    await page.getByRole('button', { name: 'Show the numbers' }).nth(1).click()
    await expect(page.getByRole('button', { name: 'Hide the numbers' })).toBeVisible()
    await expect(bySource.getByRole('row', { name: /^Event \d+/ })).toBeVisible()
    await expect(
      page.getByRole('row', { name: new RegExp(`^${counselor.name} `) }).getByRole('cell'),
    ).toHaveText(['1', '0', '0', '0%', /^\d+ (seconds?|minutes?)$/])
  })

  test('a counselor who follows a link to an admin page is told it is for admins', async ({
    page,
    request,
  }) => {
    const counselor = await createCounselor(request)
    await logIn(page, counselor)
    await expect(page.getByRole('link', { name: 'Team' })).toHaveCount(0)
    await page.goto('/admin/team')
    await expect(page.getByRole('heading', { level: 1, name: 'Admins only' })).toBeVisible()
  })
})
