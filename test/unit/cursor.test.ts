import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AppError } from '../../src/errors.js'
import { cursorAfter, readCursor } from '../../src/modules/enquiries/cursor.js'

const last = {
  createdAt: new Date('2026-03-04T05:06:07.089Z'),
  _id: '6542abc123def456789abcde',
  priority: 'high' as const,
}

const refusal = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof AppError)
    return `${error.code} ${error.errors?.map((e) => `${e.field} ${e.message}`).join()}`
  }
  assert.fail('accepted')
}

test('a cursor reads back as the page after the row it was made from', () => {
  const cursor = cursorAfter('newest', 3, last)
  assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'safe in a URL as it is')
  assert.deepEqual(readCursor(cursor, 'newest'), {
    order: 'newest',
    page: 4,
    after: { createdAt: last.createdAt, id: last._id, priority: 'high' },
  })
})

test('a cursor of another sort order, or one altered, is a 400 naming the cursor', () => {
  assert.equal(
    refusal(() => readCursor(cursorAfter('newest', 1, last), 'priority')),
    'VALIDATION_FAILED cursor belongs to sort=newest, not sort=priority',
  )
  const forged = (fields: unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url')
  const not =
    'VALIDATION_FAILED cursor is not a cursor: pass the nextCursor of the previous page unchanged'
  for (const text of [
    'not base64 at all!',
    forged(['newest', 2, last.createdAt.toISOString(), last._id]),
    forged(['newest', 1, last.createdAt.toISOString(), last._id, 'high']),
    forged(['newest', 2, '2026-03-04', last._id, 'high']),
    forged(['newest', 2, last.createdAt.toISOString(), "' OR 1=1 --", 'high']),
    forged(['newest', 2, last.createdAt.toISOString(), last._id, 'urgent']),
  ]) {
    assert.equal(
      refusal(() => readCursor(text, 'newest')),
      not,
      text,
    )
  }
})
