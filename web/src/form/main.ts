// The public enquiry form: plain DOM code, so its bundle stays a few kilobytes.
import './form.css'
import {
  CONSENT_FIELD,
  type EnquiryFields,
  FIELD_NAMES,
  validateConsent,
  validateEnquiry,
} from './validation'

const form = document.querySelector<HTMLFormElement>('#enquiry-form')
const thanks = document.querySelector<HTMLElement>('#thanks')
const formError = document.querySelector<HTMLElement>('#form-error')

/** The privacy notice the deployment links to (from /form/config.json); null: no consent boxes. */
interface PrivacyNotice {
  url: string
  required: boolean
}
let privacyNotice: PrivacyNotice | null = null

/** Every field whose problems are shown beside it, the API's included. */
const SHOWN_FIELDS = [...FIELD_NAMES, CONSENT_FIELD]

/** Inside a frame (see /embed.js), tell the page around it how tall the form is. */
function reportHeight(): void {
  if (window.parent === window) return
  window.parent.postMessage(
    { type: 'crm-form:height', height: document.documentElement.scrollHeight },
    '*',
  )
}

function showFieldErrors(errors: Partial<Record<string, string>>): void {
  for (const name of SHOWN_FIELDS) {
    const input = form?.elements.namedItem(name)
    if (
      !(
        input instanceof HTMLInputElement ||
        input instanceof HTMLTextAreaElement ||
        input instanceof HTMLSelectElement
      )
    )
      continue
    const errorId = `${name}-error`
    document.getElementById(errorId)?.remove()
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && id !== errorId)
    const message = errors[name]
    if (message) {
      const paragraph = document.createElement('p')
      paragraph.id = errorId
      paragraph.className = 'field-error'
      paragraph.textContent = message
      // Under a checkbox's label rather than between the box and its label.
      if (input instanceof HTMLInputElement && input.type === 'checkbox')
        input.parentElement?.append(paragraph)
      else input.after(paragraph)
      described.push(errorId)
      input.setAttribute('aria-invalid', 'true')
    } else {
      input.removeAttribute('aria-invalid')
    }
    if (described.length > 0) input.setAttribute('aria-describedby', described.join(' '))
    else input.removeAttribute('aria-describedby')
  }
  const first = SHOWN_FIELDS.find((name) => errors[name])
  if (first) document.getElementById(first)?.focus()
}

function thank(message: string): void {
  if (!form || !thanks) return
  form.hidden = true
  thanks.textContent = message
  thanks.focus()
  reportHeight()
}

function showPrivacyNotice(notice: unknown): void {
  const { url, required } = (notice ?? {}) as Partial<PrivacyNotice>
  const section = document.querySelector<HTMLElement>('#consent')
  const text = document.querySelector<HTMLElement>('#privacy-notice-text')
  const box = document.getElementById(CONSENT_FIELD)
  if (typeof url !== 'string' || !section || !text || !(box instanceof HTMLInputElement)) return
  privacyNotice = { url, required: required === true }
  const link = document.createElement('a')
  link.href = url
  link.target = '_blank'
  link.rel = 'noopener'
  link.textContent = 'privacy notice'
  text.replaceChildren(
    'How we use your details is explained in our ',
    link,
    ' (opens in a new tab).',
  )
  box.required = privacyNotice.required
  const mark = document.querySelector<HTMLElement>('#consent-required')
  if (mark) mark.hidden = !privacyNotice.required
  section.hidden = false
  reportHeight()
}

/** The deployment's settings for the form: its courses and its privacy notice. */
async function loadConfig(): Promise<void> {
  const response = await fetch('/form/config.json').catch(() => undefined)
  if (!response?.ok) return
  const config = (await response.json()) as { courses?: unknown; privacyNotice?: unknown }
  showPrivacyNotice(config.privacyNotice)
  showCourses(config.courses)
}

function showCourses(courses: unknown): void {
  if (!Array.isArray(courses) || courses.length === 0) return
  const input = document.querySelector<HTMLInputElement>('#courseInterest')
  if (!input) return
  const select = document.createElement('select')
  select.id = input.id
  select.name = input.name
  select.required = true
  select.append(new Option('Choose a course', ''))
  for (const course of courses)
    if (typeof course === 'string') select.append(new Option(course, course))
  input.replaceWith(select)
  reportHeight()
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault()
  if (!form || !formError) return
  const data = new FormData(form)
  const text = (name: string) => String(data.get(name) ?? '').trim()
  formError.textContent = ''
  // The honeypot: people never see it; a bot that fills it is thanked and nothing is sent.
  if (text('website') !== '') {
    thank('Thank you! Your enquiry has been received.')
    return
  }
  const fields: EnquiryFields = {
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    courseInterest: text('courseInterest'),
    message: text('message'),
  }
  const agreed = data.get(CONSENT_FIELD) !== null
  const errors = {
    ...validateEnquiry(fields),
    ...validateConsent(privacyNotice?.required ?? false, agreed),
  }
  showFieldErrors(errors)
  if (Object.keys(errors).length > 0) {
    reportHeight()
    return
  }
  const button = form.querySelector('button')
  if (button) button.disabled = true
  try {
    const { message, ...required } = fields
    const response = await fetch('/api/enquiries', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...required,
        ...(message ? { message } : {}),
        source: 'website',
        // Sent only when the form showed the boxes: consent to a notice nobody saw means nothing.
        ...(privacyNotice
          ? {
              consent: {
                privacyNotice: agreed,
                marketing: data.get('consent.marketing') !== null,
              },
            }
          : {}),
      }),
    })
    const body = (await response.json().catch(() => ({}))) as {
      message?: string
      errors?: { field: string; message: string }[]
    }
    if (response.ok) {
      thank(`Thank you, ${fields.name}! ${body.message ?? 'Your enquiry has been received.'}`)
      return
    }
    showFieldErrors(
      Object.fromEntries((body.errors ?? []).map(({ field, message }) => [field, message])),
    )
    const retry = response.headers.get('retry-after')
    formError.textContent =
      response.status === 429 && retry
        ? `Too many enquiries from here. Please try again in ${Math.ceil(Number(retry) / 60)} minutes.`
        : (body.message ?? 'Your enquiry could not be sent. Please try again.')
  } catch {
    formError.textContent = 'Your enquiry could not be sent: check your connection and try again.'
  } finally {
    if (button) button.disabled = false
    reportHeight()
  }
}

form?.addEventListener('submit', (event) => void submit(event))
new ResizeObserver(reportHeight).observe(document.body)
void loadConfig()
