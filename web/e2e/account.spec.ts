import { expect, test } from '@playwright/test'
import { createCounselor, expectAccessible, logIn, meThroughApi } from './support'

test.describe('a counselor’s own settings, on the account page', () => {
  test('going away stops routed leads, and the choice is still there after a reload', async ({
    page,
    request,
  }) => {
    const counselor = await createCounselor(request, 'Traveller')
    await logIn(page, counselor)
    await page.getByRole('link', { name: 'Account' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible()
    const available = page.getByRole('switch', { name: 'Available for routed leads' })
    await expect(available).toBeChecked()
    await expect(page.getByText('You have no cap on open leads.')).toBeVisible()
    await expectAccessible(page, 'the account page')

    await available.click()
    await expect(page.getByRole('status')).toHaveText(
      'Saved: you are away, and routing rules give you no new leads.',
    )
    await expect(available).not.toBeChecked()
    expect((await meThroughApi(request, counselor.token)).available).toBe(false)

    await page.reload()
    await expect(available).not.toBeChecked()

    // Back from holiday, with the keyboard.
    await available.focus()
    await page.keyboard.press('Space')
    await expect(page.getByRole('status')).toHaveText(
      'Saved: you are available, and routing rules may give you new leads.',
    )
    await page.reload()
    await expect(available).toBeChecked()
  })

  test('opting out of email sticks after a reload', async ({ page, request }) => {
    const counselor = await createCounselor(request, 'Quiet')
    await logIn(page, counselor)
    await page.goto('/account')
    const email = page.getByRole('switch', { name: 'Email me about my leads' })
    await expect(email).toBeChecked()

    await email.click()
    await expect(page.getByRole('status')).toHaveText(
      'Saved: you will get no emails about your leads.',
    )
    await page.reload()
    await expect(email).not.toBeChecked()
    const me = await meThroughApi(request, counselor.token)
    expect(me.notifications.email).toBe(false)
    // Only email changed: still available for routed leads.
    expect(me.available).toBe(true)
    await expect(page.getByRole('switch', { name: 'Available for routed leads' })).toBeChecked()
  })
})
