import { expect, test } from '@playwright/test'
import {
  ADMIN,
  claimThroughApi,
  createCounselor,
  expectAccessible,
  logIn,
  searchPool,
  submitEnquiry,
} from './support'

test('an admin caps a counselor’s open leads on the team page; at the cap, a claim is refused in words', async ({
  page,
  request,
}) => {
  const counselor = await createCounselor(request, 'Capped')
  const held = await submitEnquiry(request)
  await claimThroughApi(request, counselor.token, held.id)
  // Away: the team page says so.
  await request.patch('/api/auth/me', {
    data: { available: false },
    headers: { authorization: `Bearer ${counselor.token}` },
  })

  await logIn(page, ADMIN)
  await page.getByRole('link', { name: 'Team' }).click()
  const row = page.getByRole('row', { name: new RegExp(counselor.name) })
  await expect(row).toContainText('Away')
  const cap = row.getByLabel(`Cap on open leads for ${counselor.name}`)
  await expect(cap).toHaveValue('')
  await cap.fill('1')
  await row.getByRole('button', { name: `Save the cap for ${counselor.name}` }).click()
  await expect(row).toContainText('1 of 1')
  await expectAccessible(page, 'the team page with caps')

  await page.reload()
  await expect(row.getByLabel(`Cap on open leads for ${counselor.name}`)).toHaveValue('1')

  // A cap that is not a number is refused before it is sent.
  await cap.fill('-2')
  await row.getByRole('button', { name: `Save the cap for ${counselor.name}` }).click()
  await expect(row.getByText('A whole number from 0 to 100000, or empty for no cap')).toBeVisible()
  await expect(cap).toHaveAttribute('aria-invalid', 'true')

  // The counselor, at the cap, tries to claim one more.
  const another = await submitEnquiry(request)
  const counselorPage = await page.context().newPage()
  await logIn(counselorPage, counselor)
  await searchPool(counselorPage, another.name)
  const anotherRow = counselorPage.getByRole('row', { name: new RegExp(another.name) })
  await anotherRow.getByRole('button', { name: 'Claim' }).click()
  await expect(counselorPage.getByRole('alert')).toContainText('your limit')
  // Refused for them only: it stays in the pool.
  await expect(anotherRow).toBeVisible()

  // Lifting the cap (empty) lets them claim again.
  await page.reload()
  await cap.fill('')
  await row.getByRole('button', { name: `Save the cap for ${counselor.name}` }).click()
  await expect(row).not.toContainText('1 of 1')
  await expect(cap).toHaveValue('')
  await anotherRow.getByRole('button', { name: 'Claim' }).click()
  await expect(counselorPage.getByRole('status')).toContainText(
    `You claimed ${another.name}'s enquiry`,
  )
})
