import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { addWorkingTime, dueAfter, durationMs, isTimeZone } from '../../src/modules/sla/clock.js'

const london = { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' }

describe('the first-contact clock', () => {
  test('reads ISO 8601 durations and refuses anything else', () => {
    assert.equal(durationMs('PT30M'), 30 * 60_000)
    assert.equal(durationMs('PT4H'), 4 * 3_600_000)
    assert.equal(durationMs('P1D'), 86_400_000)
    assert.equal(durationMs('PT2S'), 2000)
    for (const bad of ['30m', '', 'PTXM', '4 hours']) assert.equal(durationMs(bad), undefined, bad)
  })

  test('knows IANA time zones', () => {
    assert.equal(isTimeZone('Europe/London'), true)
    assert.equal(isTimeZone('Mars/Olympus'), false)
  })

  test('without business hours, the deadline is the duration later', () => {
    const start = new Date('2026-03-06T16:00:00Z')
    assert.equal(dueAfter(start, 'PT4H', null).toISOString(), '2026-03-06T20:00:00.000Z')
  })

  test('a Friday afternoon lead is due on Monday morning: nights and the weekend do not count', () => {
    // Friday 16:00 London (GMT): 1.5 h left that day, 2.5 h on Monday from 09:00.
    const due = addWorkingTime(new Date('2026-03-06T16:00:00Z'), 4 * 3_600_000, london)
    assert.equal(due.toISOString(), '2026-03-09T11:30:00.000Z')
  })

  test('a lead arriving at night starts counting when the day opens', () => {
    const due = addWorkingTime(new Date('2026-03-10T02:00:00Z'), 30 * 60_000, london)
    assert.equal(due.toISOString(), '2026-03-10T09:30:00.000Z')
  })

  test('across the spring change, working hours are local: 09:00 BST is 08:00 UTC', () => {
    // Friday 27 March 2026 17:00 GMT, clocks go forward on Sunday 29 March.
    const due = addWorkingTime(new Date('2026-03-27T17:00:00Z'), 60 * 60_000, london)
    // 30 min on Friday, then 30 min from Monday 09:00 BST (08:00 UTC).
    assert.equal(due.toISOString(), '2026-03-30T08:30:00.000Z')
  })

  test('across the autumn change, 09:00 GMT is 09:00 UTC again', () => {
    // Friday 23 October 2026 17:00 BST (16:00 UTC); clocks go back on Sunday 25 October.
    const due = addWorkingTime(new Date('2026-10-23T16:00:00Z'), 60 * 60_000, london)
    assert.equal(due.toISOString(), '2026-10-26T09:30:00.000Z')
  })
})
