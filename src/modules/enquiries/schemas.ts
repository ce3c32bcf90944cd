import { Type } from 'typebox'
import {
  activityTypes,
  enquiryPriorities,
  enquirySources,
  enquiryStatuses,
} from '../../db/schema/index.js'
import {
  DATE_YEAR_PATTERN,
  DateTime,
  Email,
  Identity,
  Limit,
  ObjectIdString,
  Page,
  PHONE_PATTERN,
} from '../../schemas.js'

export const Status = Type.Enum([...enquiryStatuses])
export const Source = Type.Enum([...enquirySources])
export const Priority = Type.Enum([...enquiryPriorities])

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const SubmitEnquiryBody = Type.Object(
  {
    name: Type.String({
      minLength: 2,
      maxLength: 100,
      transform: ['trim'],
      examples: ['Alice Smith'],
    }),
    email: Email,
    phone: Type.String({
      pattern: PHONE_PATTERN,
      maxLength: 40,
      transform: ['trim'],
      description:
        '7 to 15 digits; an optional leading +, spaces, dashes, dots and parentheses allowed',
      examples: ['1234567890'],
    }),
    courseInterest: Type.String({
      minLength: 1,
      maxLength: 100,
      transform: ['trim'],
      examples: ['Web Development'],
    }),
    message: Type.Optional(Type.String({ maxLength: 2000, transform: ['trim'] })),
    source: Type.Optional(Source),
    priority: Type.Optional(Priority),
    consent: Type.Optional(
      Type.Object(
        {
          privacyNotice: Type.Boolean({
            description: 'The person has read the privacy notice (PRIVACY_NOTICE_URL)',
          }),
          marketing: Type.Optional(
            Type.Boolean({ description: 'The person agrees to hear about courses; default false' }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Stored with the time and PRIVACY_NOTICE_VERSION. Required (with privacyNotice true) when REQUIRE_PRIVACY_CONSENT=true.',
        },
      ),
    ),
    website: Type.Optional(
      Type.String({
        maxLength: 500,
        transform: ['trim'],
        description:
          'A honeypot: leave it out or empty. A submission that fills it is answered 201 and stored nowhere.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const SubmitEnquiryResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  data: Type.Object({
    id: ObjectIdString,
    name: Type.String(),
    email: Type.String(),
    courseInterest: Type.String(),
    submittedAt: DateTime,
  }),
})

export const EmployeeRef = Type.Object({
  ...Identity,
  name: Type.String(),
  email: Type.String(),
})

export const EnquiryView = Type.Object({
  ...Identity,
  name: Type.String(),
  email: Type.String(),
  phone: Type.String(),
  courseInterest: Type.String(),
  message: Nullable(Type.String()),
  status: Status,
  source: Source,
  priority: Priority,
  claimedBy: Nullable(EmployeeRef),
  claimedAt: Nullable(DateTime),
  firstContactDueAt: Nullable(DateTime),
  firstContactedAt: Nullable(DateTime),
  sla: Type.Union([Type.Enum(['on_track', 'due_soon', 'breached', 'met']), Type.Null()], {
    description:
      'first contact against the deadline; null when no first-contact clock ran for the current owner',
  }),
  followUpAt: Nullable(DateTime),
  followUpNote: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
})

export const NoteView = Type.Object({
  ...Identity,
  text: Type.String(),
  addedBy: Nullable(EmployeeRef),
  addedAt: DateTime,
})

export const ActivityView = Type.Object({
  type: Type.Enum([...activityTypes]),
  actor: Nullable(EmployeeRef),
  at: DateTime,
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  message: Type.Optional(Nullable(Type.String())),
  courseInterest: Type.Optional(Type.String()),
  priority: Type.Optional(Type.String()),
  noteId: Type.Optional(Type.String()),
  employee: Type.Optional(EmployeeRef),
  previousOwner: Type.Optional(Nullable(EmployeeRef)),
  reason: Type.Optional(Type.String()),
  rule: Type.Optional(
    Type.Object({ _id: ObjectIdString, name: Type.String() }, { description: 'the routing rule' }),
  ),
  strategy: Type.Optional(Type.String({ description: 'how the routing rule chose' })),
  dueAt: Type.Optional(Type.String({ description: 'the first-contact deadline concerned' })),
  followUpAt: Type.Optional(
    Nullable(Type.String({ description: 'the follow-up set (null: cleared)' })),
  ),
  note: Type.Optional(Nullable(Type.String())),
  overCapacity: Type.Optional(
    Type.Object(
      { openLeads: Type.Integer(), maxOpenLeads: Type.Integer() },
      { description: 'an admin assigned beyond the counselor’s cap' },
    ),
  ),
})

export const EnquiryDetailView = Type.Object({
  ...EnquiryView.properties,
  notes: Type.Array(NoteView),
  activity: Type.Array(ActivityView),
})

const Cursor = Type.String({
  minLength: 1,
  maxLength: 300,
  description:
    'The nextCursor of the previous page: continues right after its last row, however deep, and keeps its place as enquiries arrive. Takes precedence over page.',
})

export const PoolQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    cursor: Type.Optional(Cursor),
    priority: Type.Optional(Priority),
    source: Type.Optional(Source),
    courseInterest: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sort: Type.Enum(['newest', 'oldest', 'priority'], { default: 'newest' }),
  },
  { additionalProperties: false },
)

export const MyEnquiriesQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    status: Type.Optional(Type.Enum(['claimed', 'contacted', 'converted', 'lost'])),
  },
  { additionalProperties: false },
)

export const ListResponse = Type.Object({
  success: Type.Literal(true),
  count: Type.Integer(),
  total: Type.Integer(),
  page: Type.Integer(),
  pages: Type.Integer(),
  nextCursor: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description:
        'Pass as `cursor` to get the next page; null on the last page. Only on lists that take a cursor.',
    }),
  ),
  data: Type.Array(EnquiryView),
})

export const EnquiryResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.Optional(Type.String()),
  data: EnquiryView,
})

export const EnquiryDetailResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.Optional(Type.String()),
  data: EnquiryDetailView,
})

export const UpdateStatusBody = Type.Object(
  { status: Type.Enum(['contacted', 'converted', 'lost']) },
  { additionalProperties: false },
)

export const AddNoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000, transform: ['trim'] }) },
  { additionalProperties: false },
)

// Years 1900–2999: the database cannot store year 0, and a day after 9999-12-31 is past what
// dates print as; no enquiry falls outside.
const IsoDate = Type.String({
  format: 'date-time',
  pattern: DATE_YEAR_PATTERN,
  description: 'ISO 8601 date-time, e.g. 2024-11-03T00:00:00Z (years 1900 to 2999)',
})
const IsoDateOrDay = Type.Union([
  IsoDate,
  Type.String({
    format: 'date',
    pattern: DATE_YEAR_PATTERN,
    description: 'YYYY-MM-DD (years 1900 to 2999)',
  }),
])

/** Filters shared by the admin list, the CSV export and the reports. */
export const AdminFilterFields = {
  status: Type.Optional(Status),
  claimedBy: Type.Optional(
    Type.Union([ObjectIdString, Type.Literal('none')], {
      description: 'an employee id, or none for unclaimed',
    }),
  ),
  priority: Type.Optional(Priority),
  source: Type.Optional(Source),
  courseInterest: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  from: Type.Optional(IsoDateOrDay),
  to: Type.Optional(IsoDateOrDay),
}

export const AdminListQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    cursor: Type.Optional(Cursor),
    ...AdminFilterFields,
    sort: Type.Enum(['newest', 'oldest', 'priority'], { default: 'newest' }),
  },
  { additionalProperties: false },
)

export const ExportQuery = Type.Object(
  { format: Type.Enum(['csv'], { default: 'csv' }), ...AdminFilterFields },
  { additionalProperties: false },
)

export const AssignBody = Type.Object(
  { employeeId: ObjectIdString },
  { additionalProperties: false },
)

export const FollowUpBody = Type.Object(
  {
    at: Type.String({
      format: 'date-time',
      pattern: DATE_YEAR_PATTERN,
      description: 'when to follow up (ISO 8601 date-time)',
    }),
    note: Type.Optional(Type.String({ maxLength: 500, transform: ['trim'] })),
  },
  { additionalProperties: false },
)

export const FollowUpQuery = Type.Object(
  {
    page: Page,
    limit: Limit,
    when: Type.Enum(['overdue', 'today', 'upcoming'], {
      description: 'overdue: before now; today: today in `tz`; upcoming: from now on',
    }),
    tz: Type.String({
      minLength: 1,
      maxLength: 64,
      default: 'UTC',
      description: 'the IANA time zone that decides what "today" is',
    }),
    claimedBy: Type.Optional(
      Type.String({ ...ObjectIdString, description: "admins: one counselor's follow-ups" }),
    ),
  },
  { additionalProperties: false },
)
