import { type EnquiryPriority, enquiryPriorities } from '../../db/schema/index.js'
import { validationFailed } from '../../errors.js'
import type { EnquiryOrder, PageKey } from './listing.js'
import type { EnquiryRecord } from './repository.js'

/**
 * A page cursor: the sort key of the last row shown, so the next page starts right after it (an
 * index seek, however deep) and keeps its place when enquiries arrive or leave meanwhile. Opaque to
 * clients: base64url of `[order, next page number, createdAt, id, priority]`. It only positions a
 * list the caller may read anyway, so it needs no signature.
 */
export type CursorOrder = Exclude<EnquiryOrder, 'recentlyClaimed'>

export interface PageCursor {
  order: CursorOrder
  page: number
  after: PageKey
}

export const supportsCursor = (order: EnquiryOrder): order is CursorOrder =>
  order !== 'recentlyClaimed'

export function cursorAfter(
  order: CursorOrder,
  page: number,
  last: Pick<EnquiryRecord, 'createdAt' | '_id' | 'priority'>,
): string {
  const fields = [order, page + 1, last.createdAt.toISOString(), last._id, last.priority]
  return Buffer.from(JSON.stringify(fields)).toString('base64url')
}

const invalidCursor = (message: string) =>
  validationFailed('Invalid cursor', [{ field: 'cursor', message }])

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export function readCursor(text: string, order: CursorOrder): PageCursor {
  let fields: unknown
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    fields = undefined
  }
  if (!Array.isArray(fields) || fields.length !== 5) {
    throw invalidCursor('is not a cursor: pass the nextCursor of the previous page unchanged')
  }
  const [cursorOrder, page, createdAt, id, priority] = fields as unknown[]
  if (cursorOrder !== order) {
    throw invalidCursor(`belongs to sort=${String(cursorOrder)}, not sort=${order}`)
  }
  if (
    !Number.isInteger(page) ||
    (page as number) < 2 ||
    (page as number) > 1_000_000 ||
    typeof createdAt !== 'string' ||
    !ISO_INSTANT.test(createdAt) ||
    Number.isNaN(Date.parse(createdAt)) ||
    typeof id !== 'string' ||
    !/^[0-9a-f]{24}$/.test(id) ||
    !enquiryPriorities.includes(priority as EnquiryPriority)
  ) {
    throw invalidCursor('is not a cursor: pass the nextCursor of the previous page unchanged')
  }
  return {
    order,
    page: page as number,
    after: { createdAt: new Date(createdAt), id, priority: priority as EnquiryPriority },
  }
}
