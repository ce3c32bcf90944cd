import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loggableUrl } from '../../src/logger.js'

test('a logged URL keeps its path and harmless parameters, and redacts searches, emails, phones and names', () => {
  assert.equal(loggableUrl('/api/enquiries/unclaimed'), '/api/enquiries/unclaimed')
  assert.equal(
    loggableUrl('/api/enquiries?page=2&q=ann%40example.com&sort=newest'),
    '/api/enquiries?page=2&q=[redacted]&sort=newest',
  )
  assert.equal(
    loggableUrl('/api/privacy/subject?email=ann@example.com&phone=555&name=Ann'),
    '/api/privacy/subject?email=[redacted]&phone=[redacted]&name=[redacted]',
  )
  // However the name is spelled on the wire, and a name that is not valid percent-encoding.
  assert.equal(loggableUrl('/api/enquiries?%71=ann'), '/api/enquiries?%71=[redacted]')
  assert.equal(loggableUrl('/api/enquiries?%E0%A4%A=x'), '/api/enquiries?%E0%A4%A=[redacted]')
  assert.equal(loggableUrl('/api/enquiries?q'), '/api/enquiries?q=[redacted]')
})
