import { DateTime, Duration, IANAZone } from 'luxon'

/** The first-contact clock: ISO 8601 durations, counted in working time when business hours are set. */

export interface BusinessHours {
  /** An IANA time zone name, such as Europe/London. */
  timeZone: string
  /** ISO weekdays that are working days: 1 Monday … 7 Sunday. */
  days: number[]
  /** Local "HH:MM" when a working day starts and ends (end after start). */
  start: string
  end: string
}

/** The duration in milliseconds, or undefined when the text is not an ISO 8601 duration. */
export function durationMs(text: string): number | undefined {
  const duration = Duration.fromISO(text)
  if (!duration.isValid) return undefined
  const ms = duration.toMillis()
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined
}

export const isTimeZone = (name: string): boolean => IANAZone.isValidZone(name)

const minutesOf = (time: string) => {
  const [hours, minutes] = time.split(':').map(Number)
  return (hours ?? 0) * 60 + (minutes ?? 0)
}

// Ten years of days: far beyond any first-contact target, and a bound on the loop.
const MAX_DAYS = 3660

/**
 * The moment `ms` of working time after `start`: only the hours between `start` and `end` on the
 * working days count, in the time zone's local time, so nights and weekends are skipped and a
 * day on which the clocks change has its real length.
 */
export function addWorkingTime(start: Date, ms: number, hours: BusinessHours): Date {
  const opens = minutesOf(hours.start)
  const closes = minutesOf(hours.end)
  let day = DateTime.fromJSDate(start, { zone: hours.timeZone }).startOf('day')
  let remaining = ms
  for (let i = 0; i < MAX_DAYS; i++) {
    if (hours.days.includes(day.weekday)) {
      const open = day.set({ hour: Math.floor(opens / 60), minute: opens % 60 })
      const close = day.set({ hour: Math.floor(closes / 60), minute: closes % 60 })
      const from = Math.max(open.toMillis(), start.getTime())
      const available = close.toMillis() - from
      if (available > 0) {
        if (remaining <= available) return new Date(from + remaining)
        remaining -= available
      }
    }
    day = day.plus({ days: 1 }).startOf('day')
  }
  throw new Error('business hours leave no working time')
}

/** When the first-contact clock started at `start` runs out. */
export function dueAfter(start: Date, duration: string, hours: BusinessHours | null): Date {
  const ms = durationMs(duration) ?? 0
  return hours ? addWorkingTime(start, ms, hours) : new Date(start.getTime() + ms)
}
