import { expect, test } from '@playwright/test'
import { createCounselor, logIn, searchPool, submitEnquiry } from './support'

test('two counselors click Claim on the same row at once: one gets it, the other is told plainly', async ({
  browser,
  request,
}) => {
  const enquiry = await submitEnquiry(request)
  const people = await Promise.all([
    createCounselor(request, 'Ana'),
    createCounselor(request, 'Ben'),
  ])
  const pages = await Promise.all(
    people.map(async (person) => {
      const context = await browser.newContext()
      const page = await context.newPage()
      await logIn(page, person)
      await searchPool(page, enquiry.name)
      await expect(
        page.getByRole('button', { name: `Claim ${enquiry.name}'s enquiry` }),
      ).toBeVisible()
      return page
    }),
  )

  await Promise.all(
    pages.map((page) =>
      page.getByRole('button', { name: `Claim ${enquiry.name}'s enquiry` }).click(),
    ),
  )

  const outcomes = await Promise.all(
    pages.map(async (page) => {
      const won = page.getByText(`You claimed ${enquiry.name}'s enquiry`)
      const lost = page.getByText(`Someone else claimed ${enquiry.name}'s enquiry first`)
      await expect(won.or(lost)).toBeVisible()
      // Either way the row has left this counselor's pool.
      await expect(page.getByRole('row', { name: new RegExp(enquiry.name) })).toHaveCount(0)
      return (await won.isVisible()) ? 'won' : 'lost'
    }),
  )
  expect(outcomes.sort()).toEqual(['lost', 'won'])
  for (const page of pages) await page.context().close()
})
