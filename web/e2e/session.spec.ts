import { expect, test } from '@playwright/test'
import { createCounselor, expectAccessible, logIn } from './support'

test.describe('logging in and out', () => {
  test('a wrong password is refused with the API message', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    await page.goto('/login')
    await page.getByLabel('Email').fill(counselor.email)
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('alert')).toHaveText('Invalid email or password')
    await expect(page).toHaveURL(/\/login/)
  })

  test('too many attempts show when to try again', async ({ page }) => {
    await page.route('**/api/auth/login', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '120' },
        contentType: 'application/json',
        body: JSON.stringify({
          success: false,
          message: 'Too many requests, please try again in 2 minutes',
        }),
      }),
    )
    await page.goto('/login')
    await page.getByLabel('Email').fill('someone@example.com')
    await page.getByLabel('Password').fill('whatever')
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('alert')).toHaveText(
      'Too many requests. Please try again in 2 minutes.',
    )
  })

  test('a deep link asks for a login first, then opens', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    await page.goto('/enquiries?status=contacted')
    await expect(page).toHaveURL(/\/login\?next=/)
    await page.getByLabel('Email').fill(counselor.email)
    await page.getByLabel('Password').fill(counselor.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'My enquiries' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Contacted' })).toHaveAttribute(
      'aria-current',
      'page',
    )
  })

  test('logging out forgets the token: the pool needs a new login', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    await logIn(page, counselor)
    await page.getByRole('button', { name: 'Log out' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible()
    await expect(page.getByRole('status')).toHaveText('You have logged out.')
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }))
    expect(stored).not.toContain('token')
    expect(await page.evaluate(() => localStorage.length)).toBe(0)
    await page.goto('/pool')
    await expect(page).toHaveURL(/\/login/)
  })

  test('a token the server no longer accepts returns to the login page with a message', async ({
    page,
    request,
  }) => {
    const counselor = await createCounselor(request)
    await logIn(page, counselor)
    // Another tab changes the password: every earlier token stops working.
    await request.put('/api/auth/password', {
      headers: { authorization: `Bearer ${counselor.token}` },
      data: { currentPassword: counselor.password, newPassword: 'a-brand-new-password' },
    })
    await page.getByRole('link', { name: 'My enquiries' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible()
    await expect(page.getByRole('status')).toHaveText(
      'Your session has ended. Please log in again.',
    )
  })

  test('a counselor changes their own password and stays logged in', async ({ page, request }) => {
    const counselor = await createCounselor(request)
    await logIn(page, counselor)
    await page.getByRole('link', { name: 'Change password' }).click()
    await expectAccessible(page, 'the password page')
    await page.getByLabel('Current password').fill('wrong-password')
    await page.getByLabel('New password', { exact: true }).fill('another-good-password')
    await page.getByLabel('Repeat the new password').fill('another-good-password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect(page.getByText('Current password is incorrect').first()).toBeVisible()

    await page.getByLabel('Current password').fill(counselor.password)
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect(page.getByRole('status')).toContainText('Password changed')
    await page.getByRole('link', { name: 'Pool' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Pool' })).toBeVisible()
  })
})
