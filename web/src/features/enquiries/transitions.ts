import type { EnquiryStatus } from '../../lib/api-models'
import type { TargetStatus } from './api'

/**
 * The status changes the API accepts (src/modules/enquiries/service.ts, changeStatus): an open
 * lead moves to any other of contacted, converted, lost; a closed one stays closed, except that an
 * admin may reopen it as contacted; an unclaimed one must be claimed first.
 */
export function allowedTransitions(status: EnquiryStatus, isAdmin: boolean): TargetStatus[] {
  switch (status) {
    case 'unclaimed':
      return []
    case 'claimed':
      return ['contacted', 'converted', 'lost']
    case 'contacted':
      return ['converted', 'lost']
    case 'converted':
    case 'lost':
      return isAdmin ? ['contacted'] : []
  }
}

/** Only open leads go back to the pool (releaseEnquiry). */
export const canRelease = (status: EnquiryStatus): boolean =>
  status === 'claimed' || status === 'contacted'

export const transitionLabels = {
  contacted: 'Mark as contacted',
  converted: 'Mark as converted',
  lost: 'Mark as lost',
} as const satisfies Record<TargetStatus, string>
