import type { Static } from 'typebox'
import type { EmployeeRef } from '../../db/schema/index.js'
import { pagedResponse, withId } from '../../schemas.js'
import type { ActivityRecord, EnquiryRecord, NoteRecord } from './repository.js'
import type { ActivityView, EnquiryDetailView, EnquiryView, NoteView } from './schemas.js'
import { type EnquiryPage, slaState } from './service.js'

/** Records → the JSON the API promises (dates as ISO 8601 strings, `id` beside every `_id`). */

const refView = (ref: EmployeeRef | null | undefined) => ref && withId(ref)

const iso = (date: Date | null) => date?.toISOString() ?? null

export function toEnquiryView(record: EnquiryRecord): Static<typeof EnquiryView> {
  const { firstContactWarnAt: _warnAt, ...shown } = record
  return {
    ...withId(shown),
    claimedBy: refView(record.claimedBy) ?? null,
    claimedAt: iso(record.claimedAt),
    firstContactDueAt: iso(record.firstContactDueAt),
    firstContactedAt: iso(record.firstContactedAt),
    sla: slaState(record),
    followUpAt: iso(record.followUpAt),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  }
}

function toNoteView(note: NoteRecord): Static<typeof NoteView> {
  return {
    ...withId(note),
    addedBy: refView(note.addedBy) ?? null,
    addedAt: note.addedAt.toISOString(),
  }
}

function toActivityView(entry: ActivityRecord): Static<typeof ActivityView> {
  const { employee, previousOwner, ...details } = entry.details
  return {
    type: entry.type,
    actor: refView(entry.actor) ?? null,
    at: entry.at.toISOString(),
    ...details,
    ...(employee ? { employee: withId(employee) } : {}),
    ...(previousOwner !== undefined ? { previousOwner: refView(previousOwner) ?? null } : {}),
  }
}

export function toEnquiryDetailView(detail: {
  enquiry: EnquiryRecord
  notes: NoteRecord[]
  activity: ActivityRecord[]
}): Static<typeof EnquiryDetailView> {
  return {
    ...toEnquiryView(detail.enquiry),
    notes: detail.notes.map(toNoteView),
    activity: detail.activity.map(toActivityView),
  }
}

export function toListResponse(result: EnquiryPage, limit: number) {
  return {
    ...pagedResponse(result, limit, toEnquiryView),
    ...(result.nextCursor !== undefined ? { nextCursor: result.nextCursor } : {}),
  }
}
