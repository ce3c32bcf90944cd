import { once } from 'node:events'
import { createServer } from 'node:http'
import { expect, test } from '@playwright/test'
import { consentsThroughApi, fillEnquiryForm, prospectName } from './support'

test.describe('the public enquiry form', () => {
  test('problems are shown beside their fields, the API’s as well as the form’s own', async ({
    page,
  }) => {
    await page.goto('/form')
    await fillEnquiryForm(page, prospectName(), { Phone: '12-34', Email: 'not-an-email' })
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByLabel('Phone')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByLabel('Phone')).toHaveAccessibleDescription(/7 to 15 digits/)
    await expect(page.getByText('Please enter a phone number with 7 to 15 digits')).toBeVisible()
    await expect(page.getByText('Please enter an email address')).toBeVisible()
    await expect(page.getByLabel('Email')).toBeFocused()

    await page.route('**/api/enquiries', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          success: false,
          message: 'Validation failed',
          errors: [{ field: 'email', message: 'this domain does not receive mail' }],
        }),
      }),
    )
    await page.getByLabel('Phone').fill('+44 20 7946 0958')
    await page.getByLabel('Email').fill('someone@example.com')
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByLabel('Email')).toHaveAccessibleDescription(
      'this domain does not receive mail',
    )
    await expect(page.getByLabel('Phone')).not.toHaveAttribute('aria-invalid', 'true')
  })

  test('the privacy notice is linked and the consent boxes are stored with its version', async ({
    page,
    request,
  }) => {
    await page.goto('/form')
    const link = page.getByRole('link', { name: 'privacy notice' })
    await expect(link).toHaveAttribute('href', 'https://www.example.edu/privacy')
    await expect(link).toHaveAttribute('target', '_blank')
    const fields = await fillEnquiryForm(page, prospectName())
    await page.getByLabel('I have read the privacy notice').check()
    await page.getByLabel('Send me news about courses and events').check()
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByRole('status')).toContainText('Thank you')
    expect(await consentsThroughApi(request, fields.Email)).toEqual([
      {
        privacyNotice: true,
        marketing: true,
        noticeVersion: 'browser-tests-1',
        givenAt: expect.any(String),
      },
    ])
  })

  test('when consent is required, the form asks for the box to be ticked before sending', async ({
    page,
  }) => {
    await page.route('**/form/config.json', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          courses: ['Data Science'],
          privacyNotice: { url: 'https://www.example.edu/privacy', version: '2', required: true },
        }),
      }),
    )
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url())
    })
    await page.goto('/form')
    await fillEnquiryForm(page, prospectName())
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    const box = page.getByLabel('I have read the privacy notice (required)')
    await expect(box).toHaveAttribute('aria-invalid', 'true')
    await expect(box).toHaveAccessibleDescription(
      'Please confirm that you have read the privacy notice',
    )
    await expect(box).toBeFocused()
    expect(posts).toEqual([])
    await box.check()
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByRole('status')).toContainText('Thank you')
  })

  test('a bot that fills the hidden field is thanked and nothing is sent', async ({ page }) => {
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url())
    })
    await page.goto('/form')
    await fillEnquiryForm(page, prospectName())
    await page.locator('#website').fill('http://spam.example.com', { force: true })
    await page.getByRole('button', { name: 'Send enquiry' }).click()
    await expect(page.getByRole('status')).toContainText('Thank you!')
    expect(posts).toEqual([])
  })

  test('/embed.js puts the form on another site in a frame that fits it', async ({
    page,
    baseURL,
  }) => {
    // An institution's own site, another origin on this machine (FORM_EMBED_ORIGINS lists it).
    const site = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html')
      response.end(`<!doctype html><html lang="en"><title>Admissions</title><h1>Admissions</h1>
        <script src="${baseURL}/embed.js" async></script></html>`)
    })
    site.listen(Number(process.env.CRM_BROWSER_TEST_SITE_PORT), '127.0.0.1')
    await once(site, 'listening')
    try {
      await page.goto(`http://127.0.0.1:${process.env.CRM_BROWSER_TEST_SITE_PORT}/admissions`)
      const frame = page.frameLocator('iframe[title="Enquiry form"]')
      await expect(frame.getByRole('heading', { name: 'Send us an enquiry' })).toBeVisible()
      const iframe = page.locator('iframe[title="Enquiry form"]')
      await expect(iframe).not.toHaveAttribute('style', /height: 720px/)
      const frameHeight = (await iframe.boundingBox())?.height ?? 0
      const formHeight = await frame.locator('html').evaluate((html) => html.scrollHeight)
      expect(Math.abs(frameHeight - formHeight)).toBeLessThan(10)

      const name = prospectName()
      await frame.getByLabel('Your name').fill(name)
      await frame.getByLabel('Email').fill(`${name.replace(/\W+/g, '-')}@example.com`)
      await frame.getByLabel('Phone').fill(`+1 555 ${String(Date.now()).slice(-7)}`)
      await frame.getByLabel('Course you are interested in').selectOption('Nursing')
      await frame.getByRole('button', { name: 'Send enquiry' }).click()
      await expect(frame.getByRole('status')).toContainText(`Thank you, ${name}!`)
    } finally {
      site.close()
    }
  })
})
