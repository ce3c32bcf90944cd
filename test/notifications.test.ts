import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { TestContext } from 'node:test'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { SMTPServer } from 'smtp-server'
import { buildApp } from '../src/app.js'
import { buildTestApp, call, createEmployee, type TestEmployee, testConfig } from './support/app.js'
import { freshDatabase } from './support/database.js'
import { claim, submitEnquiry } from './support/enquiries.js'
import { until } from './support/receiver.js'

interface Mail {
  to: string[]
  /** The raw message with folded headers unfolded and quoted-printable soft breaks removed. */
  text: string
}

/** A real SMTP server on 127.0.0.1; `refuse(n)` says whether to refuse the n-th message (0-based). */
async function startSmtpServer(
  t: Pick<TestContext, 'after'>,
  refuse: (n: number) => boolean = () => false,
) {
  const mails: Mail[] = []
  let attempts = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8')
      })
      stream.on('end', () => {
        const n = attempts++
        if (refuse(n)) {
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
          return
        }
        const text = raw
          .replace(/\r\n[ \t]+/g, ' ')
          .replace(/=\r\n/g, '')
          .replace(/=3D/g, '=')
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text })
        callback()
      })
    },
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { url: `smtp://127.0.0.1:${address.port}`, mails, attempts: () => attempts }
}

const FAST = {
  JOB_POLL_INTERVAL_SECONDS: '0.5',
  WEBHOOK_RETRY_DELAYS: '1s,1s,1s',
  MAIL_FROM: 'Admissions CRM <crm@example.edu>',
  PUBLIC_URL: 'https://crm.example.edu/',
}

async function assign(
  app: FastifyInstance,
  admin: TestEmployee,
  id: string,
  employee: TestEmployee,
) {
  const { status } = await call(app, {
    method: 'POST',
    url: `/api/enquiries/${id}/assign`,
    token: admin.token,
    payload: { employeeId: employee.id },
  })
  assert.equal(status, 200)
}

describe('email notifications', () => {
  test('a counselor is emailed when a lead is assigned to them, with a link and only name and course in the subject', async (t) => {
    const smtp = await startSmtpServer(t)
    const app = await buildTestApp(t, { ...FAST, SMTP_URL: smtp.url })
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app, { name: 'Casey Counselor' })
    const id = await submitEnquiry(app, {
      name: 'Robin Prospect',
      courseInterest: 'Data Science',
      email: 'robin.secret@example.com',
    })
    await assign(app, admin, id, counselor)
    await until(() => smtp.mails.length === 1, 'the mail')
    const [mail] = smtp.mails
    assert.deepEqual(mail?.to, [counselor.email])
    const subject = /^Subject: (.*)$/m.exec(mail?.text ?? '')?.[1]
    assert.equal(subject, 'A lead was assigned to you: Robin Prospect (Data Science)')
    assert.match(mail?.text ?? '', /^From: Admissions CRM <crm@example\.edu>$/m)
    assert.ok(
      mail?.text.includes(`https://crm.example.edu/enquiries/${id}`),
      'a link to the enquiry',
    )
    assert.match(mail?.text ?? '', /Content-Type: text\/html/)
    assert.ok(!mail?.text.includes('robin.secret'), 'no contact details')
  })

  test('a counselor who turned email off gets none', async (t) => {
    const smtp = await startSmtpServer(t)
    const app = await buildTestApp(t, { ...FAST, SMTP_URL: smtp.url })
    const admin = await createEmployee(app, { role: 'admin' })
    const quiet = await createEmployee(app)
    const chatty = await createEmployee(app)
    const off = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: quiet.token,
      payload: { notifications: { email: false } },
    })
    assert.equal(off.status, 200)
    const me = await call(app, { method: 'GET', url: '/api/auth/me', token: quiet.token })
    assert.deepEqual(
      (me.body.data as { employee: { notifications: unknown } }).employee.notifications,
      {
        email: false,
      },
    )
    await assign(app, admin, await submitEnquiry(app), quiet)
    await assign(app, admin, await submitEnquiry(app), chatty)
    await until(() => smtp.mails.length === 1, 'the mail to the other counselor')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    assert.deepEqual(
      smtp.mails.map((mail) => mail.to),
      [[chatty.email]],
    )
    const invalid = await call(app, {
      method: 'PATCH',
      url: '/api/auth/me',
      token: quiet.token,
      payload: { notifications: { email: 'no' } },
    })
    assert.equal(invalid.status, 400)
  })

  test('an SMTP server refusing the first attempt delays the mail but does not lose it', async (t) => {
    const smtp = await startSmtpServer(t, (n) => n === 0)
    const app = await buildTestApp(t, { ...FAST, SMTP_URL: smtp.url })
    const admin = await createEmployee(app, { role: 'admin' })
    const counselor = await createEmployee(app)
    await assign(app, admin, await submitEnquiry(app), counselor)
    await until(() => smtp.mails.length === 1, 'the mail, on the second attempt')
    assert.equal(smtp.attempts(), 2)
    assert.deepEqual(smtp.mails[0]?.to, [counselor.email])
  })

  test('the owner is emailed before and at a missed deadline; admins too when the breach releases the lead', async (t) => {
    const smtp = await startSmtpServer(t)
    const app = await buildTestApp(t, { ...FAST, SMTP_URL: smtp.url })
    const admin = await createEmployee(app, { role: 'admin', name: 'Ada Admin' })
    const owner = await createEmployee(app, { name: 'Olu Owner' })
    const bystander = await createEmployee(app, { name: 'Bea Bystander' })
    const putSla = async (onBreach: string) => {
      const { status } = await call(app, {
        method: 'PUT',
        url: '/api/settings/sla',
        token: admin.token,
        payload: {
          enabled: true,
          firstContact: { high: 'PT3S', medium: 'PT3S', low: 'PT3S' },
          businessHours: null,
          onBreach,
          warnBefore: 'PT2S',
        },
      })
      assert.equal(status, 200)
    }
    // A breach is acted on by the policy in force at its deadline: one lead breached under each.
    await putSla('notify')
    const notified = await submitEnquiry(app, { name: 'Nia Notify', courseInterest: 'Law' })
    assert.equal((await claim(app, notified, owner.token)).status, 200)
    await until(() => smtp.mails.length === 2, 'the warning and the breach mail of the first lead')
    await putSla('release')
    const released = await submitEnquiry(app, { name: 'Rui Release', courseInterest: 'Art' })
    assert.equal((await claim(app, released, owner.token)).status, 200)

    await until(() => smtp.mails.length === 5, 'two warnings and three breach mails')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const received = smtp.mails
      .map((mail) => ({
        to: mail.to.join(','),
        subject: /^Subject: (.*)$/m.exec(mail.text)?.[1] ?? '',
      }))
      .sort((a, b) => `${a.subject} ${a.to}`.localeCompare(`${b.subject} ${b.to}`))
    const warning = 'A lead of yours is about to miss its first-contact deadline'
    const breached = 'A lead missed its first-contact deadline'
    assert.deepEqual(
      received,
      [
        { to: admin.email, subject: `${breached}: Rui Release (Art)` },
        { to: owner.email, subject: `${breached}: Nia Notify (Law)` },
        { to: owner.email, subject: `${breached}: Rui Release (Art)` },
        { to: owner.email, subject: `${warning}: Nia Notify (Law)` },
        { to: owner.email, subject: `${warning}: Rui Release (Art)` },
      ].sort((a, b) => `${a.subject} ${a.to}`.localeCompare(`${b.subject} ${b.to}`)),
    )
    assert.ok(!smtp.mails.some((mail) => mail.to.includes(bystander.email)))
  })

  test('the owner is emailed when a follow-up falls due', async (t) => {
    const smtp = await startSmtpServer(t)
    const app = await buildTestApp(t, { ...FAST, SMTP_URL: smtp.url })
    const owner = await createEmployee(app)
    const id = await submitEnquiry(app, { name: 'Fay Followup', courseInterest: 'Music' })
    assert.equal((await claim(app, id, owner.token)).status, 200)
    const { status } = await call(app, {
      method: 'PUT',
      url: `/api/enquiries/${id}/follow-up`,
      token: owner.token,
      payload: { at: new Date(Date.now() + 1500).toISOString(), note: 'call about fees' },
    })
    assert.equal(status, 200)
    await until(() => smtp.mails.length === 1, 'the follow-up mail')
    const [mail] = smtp.mails
    assert.deepEqual(mail?.to, [owner.email])
    assert.equal(
      /^Subject: (.*)$/m.exec(mail?.text ?? '')?.[1],
      'A follow-up is due: Fay Followup (Music)',
    )
    assert.ok(mail?.text.includes(`https://crm.example.edu/enquiries/${id}`))
    assert.ok(!mail?.text.includes('call about fees'), 'the note stays in the CRM')
  })

  test('without SMTP_URL email is off and the start-up log says so once', async () => {
    const lines: string[] = []
    const app = await buildApp(testConfig({ LOG_LEVEL: 'info' }), {
      database: await freshDatabase(),
      logDestination: { write: (line: string) => lines.push(line) },
    })
    await app.ready()
    await app.close()
    const said = lines.filter((line) => line.includes('email notifications are off'))
    assert.equal(said.length, 1)
  })
})
