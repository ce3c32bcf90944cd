import { randomBytes } from 'node:crypto'
import { expect, test } from '@playwright/test'
import {
  ADMIN,
  createCounselor,
  deleteRoutingRulesNamed,
  enquiryThroughApi,
  expectAccessible,
  logIn,
  submitEnquiry,
} from './support'

// Routing rules are global: each test's rule matches only a course no other test uses, and is
// deleted at the end whatever happens, so it never takes another test's enquiries.
const suffix = randomBytes(4).toString('hex')
const RULE = `Routing test ${suffix}`
const COURSE = `Marine Biology ${suffix}`

test.afterEach(async ({ request }) => deleteRoutingRulesNamed(request, RULE))

test('an admin adds a routing rule; a matching enquiry lands with the chosen counselor; the rule is edited, switched off and deleted', async ({
  page,
  request,
}) => {
  test.slow()
  const chosen = await createCounselor(request, 'Routed')
  await logIn(page, ADMIN)
  await page.getByRole('link', { name: 'Routing rules' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Routing rules' })).toBeVisible()

  const form = page.getByRole('region', { name: 'Add a routing rule' })
  await form.getByLabel('Rule name').fill(RULE)
  await form.getByLabel('Courses').fill(COURSE.toLowerCase())
  await expect(form.getByLabel('Strategy')).toHaveValue('round_robin')
  // Round robin with nobody to take turns: the API's 400, beside the field it names.
  await form.getByRole('button', { name: 'Add rule' }).click()
  const counselors = form.getByRole('group', { name: 'Counselors' })
  await expect(counselors).toContainText('must name at least one counselor for round_robin')
  await expectAccessible(page, 'the routing rules with an error')

  await counselors.getByLabel(chosen.name).check()
  await form.getByRole('button', { name: 'Add rule' }).click()
  await expect(page.getByRole('status')).toHaveText(`Added “${RULE}”.`)
  const row = page.getByRole('row', { name: new RegExp(RULE) })
  await expect(row).toContainText(`Courses: ${COURSE.toLowerCase()}`)
  await expect(row).toContainText(chosen.name)
  await expect(row).toContainText('Active')
  await expectAccessible(page, 'the routing rules')

  // A new enquiry for that course goes straight to the counselor.
  const routed = await submitEnquiry(request, { courseInterest: COURSE })
  const counselorPage = await page.context().newPage()
  await logIn(counselorPage, chosen)
  await counselorPage.getByRole('link', { name: 'My enquiries' }).click()
  await counselorPage
    .getByRole('row', { name: new RegExp(routed.name) })
    .getByRole('link', { name: routed.name })
    .click()
  await expect(counselorPage.getByRole('region', { name: 'Activity' })).toContainText(
    `Assigned to ${chosen.name} by the rule “${RULE}”`,
  )

  // Renamed, then switched off: the next one waits in the pool.
  await row.getByRole('button', { name: `Edit ${RULE}` }).click()
  const edit = page.getByRole('region', { name: `Edit “${RULE}”` })
  await expect(edit.getByRole('heading', { name: `Edit “${RULE}”` })).toBeFocused()
  await edit.getByLabel('Rule name').fill(`${RULE} (web)`)
  await edit.getByRole('button', { name: 'Save rule' }).click()
  await expect(page.getByRole('status')).toHaveText(`Saved “${RULE} (web)”.`)
  const renamed = page.getByRole('row', { name: new RegExp(`${RULE} \\(web\\)`) })
  await renamed.getByRole('button', { name: `Switch off ${RULE} (web)` }).click()
  await expect(renamed).toContainText('Off')
  const waiting = await submitEnquiry(request, { courseInterest: COURSE })
  expect((await enquiryThroughApi(request, waiting.id)).status).toBe('unclaimed')

  // Deleted, after a second thought.
  await renamed.getByRole('button', { name: `Delete ${RULE} (web)` }).click()
  const confirm = renamed.getByRole('button', { name: `Yes, delete ${RULE} (web)` })
  await expect(confirm).toBeFocused()
  await confirm.click()
  await expect(page.getByRole('status')).toHaveText(`Deleted “${RULE} (web)”.`)
  await expect(renamed).toHaveCount(0)
})

test('a counselor does not see the routing rules', async ({ page, request }) => {
  const counselor = await createCounselor(request, 'Unrouted')
  await logIn(page, counselor)
  await expect(page.getByRole('link', { name: 'Routing rules' })).toHaveCount(0)
  await page.goto('/admin/routing')
  await expect(page.getByRole('heading', { level: 1, name: 'Admins only' })).toBeVisible()
})
