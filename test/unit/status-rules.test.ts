import assert from 'node:assert/strict'
import { test } from 'node:test'
import { enquiryStatuses } from '../../src/db/schema/index.js'
import { AppError } from '../../src/errors.js'
import { type StatusTarget, statusChange } from '../../src/modules/enquiries/rules.js'

const targets: StatusTarget[] = ['contacted', 'converted', 'lost']

/** The outcome of every status change, by whom: the allowed ones, and the code of each refusal. */
function outcome(
  current: (typeof enquiryStatuses)[number],
  target: StatusTarget,
  byAdmin: boolean,
) {
  try {
    return statusChange(current, target, byAdmin)
  } catch (error) {
    assert.ok(error instanceof AppError)
    return `${error.statusCode} ${error.code}`
  }
}

test('every status change, for a counselor and for an admin', () => {
  const table = enquiryStatuses.flatMap((current) =>
    targets.map(
      (target) =>
        `${current} → ${target}: ${outcome(current, target, false)} / ${outcome(current, target, true)}`,
    ),
  )
  assert.deepEqual(table, [
    'unclaimed → contacted: 409 ENQUIRY_NOT_CLAIMED / 409 ENQUIRY_NOT_CLAIMED',
    'unclaimed → converted: 409 ENQUIRY_NOT_CLAIMED / 409 ENQUIRY_NOT_CLAIMED',
    'unclaimed → lost: 409 ENQUIRY_NOT_CLAIMED / 409 ENQUIRY_NOT_CLAIMED',
    'claimed → contacted: change / change',
    'claimed → converted: change / change',
    'claimed → lost: change / change',
    'contacted → contacted: unchanged / unchanged',
    'contacted → converted: change / change',
    'contacted → lost: change / change',
    'converted → contacted: 409 ENQUIRY_CLOSED / change',
    'converted → converted: unchanged / unchanged',
    'converted → lost: 409 ENQUIRY_CLOSED / 409 INVALID_STATUS_TRANSITION',
    'lost → contacted: 409 ENQUIRY_CLOSED / change',
    'lost → converted: 409 ENQUIRY_CLOSED / 409 INVALID_STATUS_TRANSITION',
    'lost → lost: unchanged / unchanged',
  ])
})
