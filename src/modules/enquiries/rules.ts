import type { EnquiryStatus } from '../../db/schema/index.js'
import { AppError } from '../../errors.js'

/** The statuses a status change may set (claiming and releasing have their own routes). */
export type StatusTarget = 'contacted' | 'converted' | 'lost'

export const isClosed = (status: EnquiryStatus) => status === 'converted' || status === 'lost'

/**
 * Whether an enquiry in `current` may move to `target`: `'unchanged'` when it is already there
 * (nothing is written or recorded), `'change'` when it may, and the AppError refusing it
 * otherwise. A lead in the pool must be claimed or assigned first; converted and lost are final
 * for counselors, and an admin may only reopen them to contacted.
 */
export function statusChange(
  current: EnquiryStatus,
  target: StatusTarget,
  byAdmin: boolean,
): 'change' | 'unchanged' {
  if (current === 'unclaimed') {
    throw new AppError(
      'ENQUIRY_NOT_CLAIMED',
      'Claim or assign this enquiry before changing its status',
    )
  }
  if (current === target) return 'unchanged'
  if (isClosed(current)) {
    if (!byAdmin) {
      throw new AppError('ENQUIRY_CLOSED', `Enquiry is already ${current} and cannot change`)
    }
    if (target !== 'contacted') {
      throw new AppError(
        'INVALID_STATUS_TRANSITION',
        `A ${current} enquiry can only be reopened to contacted`,
      )
    }
  }
  return 'change'
}
