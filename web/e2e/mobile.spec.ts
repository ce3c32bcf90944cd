import { expect, test } from '@playwright/test'
import { createCounselor, expectAccessible, logIn, screenshot, submitEnquiry } from './support'

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })

test('on a 390 px phone the pool shows each enquiry as a card with its Claim button', async ({
  page,
  request,
}, testInfo) => {
  const counselor = await createCounselor(request)
  const enquiry = await submitEnquiry(request, { courseInterest: 'Nursing' })
  await logIn(page, counselor)

  const row = page.getByRole('row', { name: new RegExp(enquiry.name) })
  await expect(row).toBeVisible()
  await expect(row).toContainText('Nursing')
  const claim = row.getByRole('button', { name: 'Claim' })
  await claim.scrollIntoViewIfNeeded()
  await expect(claim).toBeInViewport()
  const box = await claim.boundingBox()
  expect(box?.width ?? 0).toBeGreaterThan(300) // a full-width button, easy to tap
  // Nothing is cut off or needs sideways scrolling.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow).toBeLessThanOrEqual(0)
  await expectAccessible(page, 'the pool on a phone')
  await screenshot(page, testInfo, 'pool-mobile')

  await claim.click()
  await expect(page.getByRole('status')).toContainText(`You claimed ${enquiry.name}'s enquiry`)
})
