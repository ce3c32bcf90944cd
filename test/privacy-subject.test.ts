import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { assertError, buildTestApp, call, createEmployee, fieldErrors } from './support/app.js'
import { claim, enquiryForm, setStatus, submitEnquiry } from './support/enquiries.js'
import { auditEntries, subjectAccess } from './support/privacy.js'

const NOTICE = {
  PRIVACY_NOTICE_URL: 'https://www.example.edu/privacy',
  PRIVACY_NOTICE_VERSION: 'v7',
}

interface SubjectEnquiry {
  _id: string
  email: string
  phone: string
  message: string | null
  status: string
  notes: { text: string }[]
  activity: { type: string; message?: string | null }[]
  consents: {
    privacyNotice: boolean
    marketing: boolean
    noticeVersion: string | null
    givenAt: string
  }[]
}

const addNote = (app: FastifyInstance, id: string, token: string, text: string) =>
  call(app, { method: 'POST', url: `/api/enquiries/${id}/notes`, token, payload: { text } })

describe('GET /api/privacy/subject', () => {
  test('a person with several enquiries, notes and a resubmission gets all of it, with consents, as one attachment', async (t) => {
    const app = await buildTestApp(t, NOTICE)
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    const person = enquiryForm({ name: 'Ottilie Brandvold', phone: '+1 (555) 010-4321' })

    // First enquiry: sent, sent again (absorbed), claimed, noted, converted.
    const first = await submitEnquiry(app, { ...person, message: 'Evening classes?' })
    await call(app, {
      method: 'POST',
      url: '/api/enquiries',
      payload: { ...person, message: 'Also weekends?', consent: { privacyNotice: true } },
    })
    await claim(app, first, counselor.token)
    await addNote(app, first, counselor.token, 'Called her, keen on spring')
    await setStatus(app, first, 'converted', counselor.token)
    // A later enquiry from the same email with another phone: a new lead.
    const second = await submitEnquiry(app, { ...person, phone: '555 777 1234' })
    await addNote(app, second, admin.token, 'Asked about fees')
    // Someone else with the first phone's digits, typed differently.
    const samePhone = await submitEnquiry(app, { phone: '15550104321' })
    const stranger = await submitEnquiry(app)

    const byEmail = await subjectAccess(app, admin.token, `email=${person.email.toUpperCase()}`)
    assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body))
    assert.match(
      String(byEmail.response.headers['content-disposition']),
      /^attachment; filename="subject-access-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    const data = byEmail.body.data as {
      request: Record<string, string>
      enquiries: SubjectEnquiry[]
    }
    assert.deepEqual(data.request, { email: person.email })
    assert.deepEqual(
      data.enquiries.map((enquiry) => enquiry._id),
      [first, second],
    )
    const [firstView, secondView] = data.enquiries
    assert.equal(firstView?.message, 'Evening classes?')
    assert.equal(firstView?.status, 'converted')
    assert.deepEqual(
      firstView?.notes.map((note) => note.text),
      ['Called her, keen on spring'],
    )
    assert.deepEqual(
      firstView?.activity.map((entry) => entry.type),
      ['created', 'resubmitted', 'claimed', 'note_added', 'status_changed'],
    )
    assert.equal(firstView?.activity[1]?.message, 'Also weekends?')
    assert.deepEqual(
      firstView?.consents.map(({ givenAt, ...consent }) => ({
        ...consent,
        givenAt: typeof givenAt,
      })),
      [{ privacyNotice: true, marketing: false, noticeVersion: 'v7', givenAt: 'string' }],
    )
    assert.deepEqual(
      secondView?.notes.map((note) => note.text),
      ['Asked about fees'],
    )
    assert.deepEqual(secondView?.consents, [])

    // By phone: every enquiry with those digits, however they were typed.
    const byPhone = await subjectAccess(app, admin.token, 'phone=%2B1%20555-010-4321')
    assert.equal(byPhone.status, 200)
    const phoneIds = (byPhone.body.data as { enquiries: SubjectEnquiry[] }).enquiries.map(
      (enquiry) => enquiry._id,
    )
    assert.deepEqual(phoneIds, [first, samePhone])
    assert.ok(!phoneIds.includes(stranger))
  })

  test('each request leaves exactly one audit entry, naming the admin and the enquiries but not the person', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    const person = enquiryForm()
    const id = await submitEnquiry(app, person)
    await subjectAccess(app, admin.token, `email=${person.email}`)
    await subjectAccess(app, admin.token, 'email=nobody-here@example.com')
    const { data } = await auditEntries(app, admin.token, '&action=privacy.subject_accessed')
    assert.equal(data.length, 2)
    assert.deepEqual(
      data.map((entry) => [entry.actor?._id, entry.details]),
      [
        [admin.id, { lookup: 'email', enquiryIds: [] }],
        [admin.id, { lookup: 'email', enquiryIds: [id] }],
      ],
    )
    assert.ok(!JSON.stringify(data).includes(person.email))
  })

  test('without exactly one valid email or phone, it is a 400 naming the fields, and nothing is recorded', async (t) => {
    const app = await buildTestApp(t)
    const admin = await createEmployee(app, { role: 'admin' })
    for (const [query, fields] of [
      ['', ['email', 'phone']],
      ['email=a@example.com&phone=5550101234', ['email', 'phone']],
      ['email=not-an-email', ['email']],
      ['phone=12', ['phone']],
      // Unknown parameters are dropped, as everywhere: this names nobody.
      ['name=Alice', ['email', 'phone']],
    ] as const) {
      const result = await subjectAccess(app, admin.token, query)
      assertError(result, 400, 'VALIDATION_FAILED')
      assert.deepEqual(
        fieldErrors(result.body).map((error) => error.field),
        fields,
        query,
      )
    }
    assert.equal((await auditEntries(app, admin.token)).total, 0)
  })
})
