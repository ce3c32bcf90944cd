import { expect, type Page, test } from '@playwright/test'
import { ADMIN, createCounselor, logIn, submitEnquiry } from './support'

// None of these letters is in a name, email or phone that submitEnquiry makes by default
// ("Student 1a2b3c4d", "student-1a2b3c4d@example.com", "+44 20 …"), so such an enquiry never matches.
const RARE = 'ghjkqrvyz'
const rareWord = (length: number) =>
  Array.from({ length }, () => RARE[Math.floor(Math.random() * RARE.length)]).join('')

/** The `q` of every list request the page sends to `path` ('' for none). */
function searchesSent(page: Page, path: string): string[] {
  const sent: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname === path) sent.push(url.searchParams.get('q') ?? '')
  })
  return sent
}

/** The searches sent, each once (a live update refetches the same search). */
const withSearch = (sent: string[]) => [...new Set(sent.filter((q) => q !== ''))]

/** Longer than the box waits after the last key (300 ms), so a search would have been sent. */
const PAUSE_MS = 1000

test.describe('the search box searches as the person types', () => {
  test('in the pool: nothing under three characters, then filtered without Enter, once per pause', async ({
    page,
    request,
  }) => {
    const word = rareWord(5)
    const counselor = await createCounselor(request)
    const other = await submitEnquiry(request)
    const wanted = await submitEnquiry(request, { name: `Pupil ${word}` })
    const sent = searchesSent(page, '/api/enquiries/unclaimed')
    await logIn(page, counselor)
    const otherRow = page.getByRole('row', { name: new RegExp(other.name) })
    const wantedRow = page.getByRole('row', { name: new RegExp(wanted.name) })
    await expect(otherRow).toBeVisible()
    await expect(wantedRow).toBeVisible()

    const search = page.getByLabel('Search')
    await search.pressSequentially(word.slice(0, 2), { delay: 80 })
    await page.waitForTimeout(PAUSE_MS)
    expect(withSearch(sent), 'two characters send no search').toEqual([])
    await expect(page).not.toHaveURL(/[?&]q=/)
    await expect(otherRow).toBeVisible()

    await search.press(word.charAt(2))
    await expect(page).toHaveURL(new RegExp(`[?&]q=${word.slice(0, 3)}(&|$)`))
    await expect(otherRow).toHaveCount(0)
    await expect(wantedRow).toBeVisible()
    await expect(search).toBeFocused()
    expect(withSearch(sent)).toEqual([word.slice(0, 3)])

    // Two more keys in quick succession: one search, for all five characters.
    await search.pressSequentially(word.slice(3), { delay: 40 })
    await expect(page).toHaveURL(new RegExp(`[?&]q=${word}(&|$)`))
    await page.waitForTimeout(PAUSE_MS)
    expect(withSearch(sent)).toEqual([word.slice(0, 3), word])
    await expect(wantedRow).toBeVisible()
    await expect(search).toHaveValue(word)

    // Back under three characters, the search is dropped and the whole pool shows again.
    for (let key = 0; key < 3; key++) await search.press('Backspace')
    await expect(page).not.toHaveURL(/[?&]q=/)
    await expect(otherRow).toBeVisible()
    await expect(search).toHaveValue(word.slice(0, 2))
  })

  test('in the list of all enquiries too', async ({ page, request }) => {
    const word = rareWord(4)
    const other = await submitEnquiry(request)
    const wanted = await submitEnquiry(request, { name: `Pupil ${word}` })
    const sent = searchesSent(page, '/api/enquiries')
    await logIn(page, ADMIN)
    await page.getByRole('link', { name: 'All enquiries' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'All enquiries' })).toBeVisible()
    const otherRow = page.getByRole('row', { name: new RegExp(other.name) })
    await expect(otherRow).toBeVisible()

    const search = page.getByLabel('Search')
    await search.pressSequentially(word.slice(0, 2), { delay: 80 })
    await page.waitForTimeout(PAUSE_MS)
    expect(withSearch(sent)).toEqual([])
    await expect(otherRow).toBeVisible()

    await search.pressSequentially(word.slice(2), { delay: 40 })
    await expect(page).toHaveURL(new RegExp(`[?&]q=${word}(&|$)`))
    await expect(otherRow).toHaveCount(0)
    await expect(page.getByRole('row', { name: new RegExp(wanted.name) })).toBeVisible()
    expect(withSearch(sent)).toEqual([word])
  })
})
