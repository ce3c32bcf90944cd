import { expect, test } from '@playwright/test'
import { claimThroughApi, createCounselor, logIn, submitEnquiry } from './support'

test("a counselor cannot open another counselor's enquiry by its address", async ({
  page,
  request,
}) => {
  const [owner, other] = await Promise.all([
    createCounselor(request, 'Owner'),
    createCounselor(request, 'Other'),
  ])
  const enquiry = await submitEnquiry(request)
  await claimThroughApi(request, owner.token, enquiry.id)

  await logIn(page, other)
  await page.goto(`/enquiries/${enquiry.id}`)
  await expect(page.getByRole('alert')).toHaveText(/belongs to another counselor/)
  await expect(page.getByText(enquiry.email)).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Back to the pool' })).toBeVisible()
})

test('an address that names no enquiry says so', async ({ page, request }) => {
  const counselor = await createCounselor(request)
  await logIn(page, counselor)
  await page.goto('/enquiries/0123456789abcdef01234567')
  await expect(page.getByRole('alert')).toHaveText('This enquiry does not exist.')
})
