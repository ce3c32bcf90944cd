import { Type } from 'typebox'

const Iso8601Duration = (description: string) =>
  Type.String({ minLength: 2, maxLength: 40, description, examples: ['PT30M', 'PT4H', 'P1D'] })

const Time = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'local time, HH:MM (24-hour)',
})

const BusinessHours = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'an IANA time zone name' }),
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays that are working days: 1 Monday … 7 Sunday',
    }),
    start: Time,
    end: Time,
  },
  { additionalProperties: false },
)

export const SlaSettingsBody = Type.Object(
  {
    enabled: Type.Boolean(),
    firstContact: Type.Object(
      {
        high: Iso8601Duration('time to first contact for a high-priority lead'),
        medium: Iso8601Duration('… for a medium-priority lead'),
        low: Iso8601Duration('… for a low-priority lead'),
      },
      { additionalProperties: false },
    ),
    businessHours: Type.Union([BusinessHours, Type.Null()], {
      description: 'null: the clock runs around the clock; else only working time counts',
    }),
    onBreach: Type.Enum(['notify', 'release', 'reassign'], {
      description:
        'notify: record the breach only; release: back to the pool; reassign: route again without the owner',
    }),
    warnBefore: Type.Union([
      Iso8601Duration('when to write an sla_warning entry before the deadline'),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
)

export const SlaSettingsResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.Optional(Type.String()),
  data: SlaSettingsBody,
})
