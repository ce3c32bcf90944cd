export const percent = (rate: number) => `${Math.round(rate * 100)}%`

export interface DurationUnit {
  name: 'seconds' | 'minutes' | 'hours' | 'days'
  seconds: number
}

const DAYS: DurationUnit = { name: 'days', seconds: 86_400 }
const UNITS: (DurationUnit & { below: number })[] = [
  { name: 'seconds', seconds: 1, below: 90 },
  { name: 'minutes', seconds: 60, below: 5400 },
  { name: 'hours', seconds: 3600, below: 172_800 },
]

/** The unit that reads best for a number of seconds: 90 seconds and more are minutes, and so on. */
export const unitFor = (seconds: number): DurationUnit =>
  UNITS.find((unit) => seconds < unit.below) ?? DAYS

export function duration(seconds: number | null): string {
  if (seconds === null) return 'no claims yet'
  const unit = unitFor(seconds)
  // Hours and days to a tenth: "1.6 hours" says more than "2 hours".
  const tenths = unit.seconds >= 3600 ? 10 : 1
  const value = Math.round((seconds / unit.seconds) * tenths) / tenths
  return `${value} ${value === 1 ? unit.name.slice(0, -1) : unit.name}`
}

// The API's days are UTC days: shown as such, whatever the browser's time zone.
const dayFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
})
const longDayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
})

/** "3 May" for an API date (YYYY-MM-DD). */
export const shortDay = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`))
/** "Sat, 3 May 2025" for an API date. */
export const longDay = (date: string) => longDayFormat.format(new Date(`${date}T00:00:00Z`))
