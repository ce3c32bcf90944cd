import type { Stats } from '../../lib/api-models'
import type { ChartOption } from './chart'
import { type DurationUnit, shortDay } from './format'

/** The figures each chart draws, and how: ECharts options built from the stats. */

const BLUE = '#1d4ed8'
const GREEN = '#047857'

type Counselor = Stats['counselors'][number]

export function funnelOption(steps: readonly [string, number][]): ChartOption {
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '5%',
        width: '60%',
        color: ['#1e3a8a', BLUE, '#3b82f6', GREEN],
        min: 0,
        max: Math.max(1, ...steps.map(([, value]) => value)),
        label: { formatter: '{b}: {c}' },
        data: steps.map(([name, value]) => ({ name, value })),
      },
    ],
  }
}

/** Horizontal bars, one a row, named down the left: sources, counselors. */
function barsOption(
  names: readonly string[],
  series: { name: string; values: readonly (number | null)[]; color: string }[],
  valueAxis: { max?: number; suffix?: string } = {},
): ChartOption {
  const suffix = valueAxis.suffix ?? ''
  return {
    tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => `${value}${suffix}` },
    legend: series.length > 1 ? { top: 0 } : { show: false },
    grid: { left: 10, right: 40, top: series.length > 1 ? 30 : 10, bottom: 10, containLabel: true },
    xAxis: {
      type: 'value',
      minInterval: 1,
      ...(valueAxis.max !== undefined ? { max: valueAxis.max } : {}),
      axisLabel: { formatter: `{value}${suffix}` },
    },
    yAxis: { type: 'category', data: [...names], inverse: true },
    series: series.map(({ name, values, color }) => ({
      type: 'bar',
      name,
      color,
      // A missing value (null) draws no bar.
      data: values.map((value) => value ?? '-'),
      label: { show: true, position: 'right', formatter: `{c}${suffix}` },
    })),
  }
}

export const sourceOption = (rows: readonly [string, number][]) =>
  barsOption(
    rows.map(([label]) => label),
    [{ name: 'Enquiries', values: rows.map(([, value]) => value), color: BLUE }],
  )

export function perDayOption(days: Stats['byDay']): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 10, right: 10, top: 20, bottom: 10, containLabel: true },
    xAxis: {
      type: 'category',
      data: days.map((day) => shortDay(day.date)),
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'Enquiries', data: days.map((day) => day.count), color: BLUE }],
  }
}

export const counselorLeadsOption = (counselors: readonly Counselor[]) =>
  barsOption(
    counselors.map((counselor) => counselor.name),
    [
      { name: 'Open leads', values: counselors.map((c) => c.openLeads), color: BLUE },
      { name: 'Converted', values: counselors.map((c) => c.converted), color: GREEN },
    ],
  )

export const conversionOption = (counselors: readonly Counselor[]) =>
  barsOption(
    counselors.map((counselor) => counselor.name),
    [
      {
        name: 'Conversion rate',
        values: counselors.map((c) => Math.round(c.conversionRate * 100)),
        color: GREEN,
      },
    ],
    { max: 100, suffix: '%' },
  )

export const claimTimeOption = (counselors: readonly Counselor[], unit: DurationUnit) =>
  barsOption(
    counselors.map((counselor) => counselor.name),
    [
      {
        name: `Median time to claim (${unit.name})`,
        values: counselors.map((c) =>
          c.medianSecondsToClaim === null
            ? null
            : Math.round((c.medianSecondsToClaim / unit.seconds) * 10) / 10,
        ),
        color: BLUE,
      },
    ],
    { suffix: ` ${unit.name.charAt(0)}` },
  )
