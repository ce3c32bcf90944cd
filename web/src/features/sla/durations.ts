/** ISO 8601 durations as people read them; the API is the judge of what it accepts. */

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/

const units = ['week', 'day', 'hour', 'minute', 'second'] as const

/** "PT1H30M" → "1 hour 30 minutes"; undefined for anything else (years, months, fractions, typos). */
export function describeDuration(text: string): string | undefined {
  const parts = DURATION.exec(text.trim().toUpperCase())
  if (!parts || text.trim().endsWith('T')) return undefined
  const words = units.flatMap((unit, index) => {
    const count = Number(parts[index + 1] ?? 0)
    return count > 0 ? [`${count} ${unit}${count === 1 ? '' : 's'}`] : []
  })
  return words.length > 0 ? words.join(' ') : undefined
}
