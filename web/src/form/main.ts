// The public enquiry form: plain DOM code, so its bundle stays a few kilobytes.
import './form.css'
import { type EnquiryFields, FIELD_NAMES, validateEnquiry } from './validation'

const form = document.querySelector<HTMLFormElement>('#enquiry-form')
const thanks = document.querySelector<HTMLElement>('#thanks')
const formError = document.querySelector<HTMLElement>('#form-error')

/** Inside a frame (see /embed.js), tell the page around it how tall the form is. */
function reportHeight(): void {
  if (window.parent === window) return
  window.parent.postMessage(
    { type: 'crm-form:height', height: document.documentElement.scrollHeight },
    '*',
  )
}

function showFieldErrors(errors: Partial<Record<string, string>>): void {
  for (const name of FIELD_NAMES) {
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
      input.after(paragraph)
      described.push(errorId)
      input.setAttribute('aria-invalid', 'true')
    } else {
      input.removeAttribute('aria-invalid')
    }
    if (described.length > 0) input.setAttribute('aria-describedby', described.join(' '))
    else input.removeAttribute('aria-describedby')
  }
  const first = FIELD_NAMES.find((name) => errors[name])
  if (first) document.getElementById(first)?.focus()
}

function thank(message: string): void {
  if (!form || !thanks) return
  form.hidden = true
  thanks.textContent = message
  thanks.focus()
  reportHeight()
}

async function loadCourses(): Promise<void> {
  const response = await fetch('/form/config.json').catch(() => undefined)
  if (!response?.ok) return
  const { courses } = (await response.json()) as { courses?: unknown }
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
  const errors = validateEnquiry(fields)
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
      body: JSON.stringify({ ...required, ...(message ? { message } : {}), source: 'website' }),
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
void loadCourses()
