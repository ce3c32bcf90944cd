import { useMemo } from 'react'
import { Alert } from '../../components/alert'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import type { Stats } from '../../lib/api-models'
import { sourceLabels, sources } from '../../lib/enquiry-labels'
import { useStats } from './api'
import { Chart, NumbersTable } from './chart'
import { duration, longDay, percent, unitFor } from './format'
import {
  claimTimeOption,
  conversionOption,
  counselorLeadsOption,
  funnelOption,
  perDayOption,
  sourceOption,
} from './options'

const COUNSELOR_TABLE_ID = 'counselor-figures'

const funnelSteps = (stats: Stats): [string, number][] => [
  ['New', stats.funnel.submitted],
  ['Claimed', stats.funnel.claimed],
  ['Contacted', stats.funnel.contacted],
  ['Converted', stats.funnel.converted],
]

const sourceRows = (stats: Stats): [string, number][] =>
  sources.map((source) => [sourceLabels[source], stats.bySource[source]])

const rowsOf = (pairs: readonly [string, number][]) =>
  pairs.map(([label, value]) => ({ key: label, label, values: [value] }))

/** One bar a counselor, and room for their names. */
const heightFor = (count: number) => Math.max(160, 50 + 34 * count)

function PipelineCharts({ stats }: { stats: Stats }) {
  const funnel = useMemo(() => funnelOption(funnelSteps(stats)), [stats])
  const bySource = useMemo(() => sourceOption(sourceRows(stats)), [stats])
  const { funnel: steps, byStatus } = stats
  return (
    <div className="detail-grid">
      <Chart
        title="Funnel"
        summary={`Of ${steps.submitted} new enquiries, ${steps.claimed} were claimed, ${steps.contacted} contacted and ${steps.converted} converted; ${byStatus.lost} were lost.`}
        option={funnel}
        numbers={
          <NumbersTable
            caption="Funnel"
            columns={['Stage', 'Enquiries']}
            rows={rowsOf([...funnelSteps(stats), ['Lost', byStatus.lost]])}
          />
        }
      />
      <Chart
        title="Enquiries by source"
        summary={`Enquiries by source: ${sourceRows(stats)
          .map(([label, value]) => `${label} ${value}`)
          .join(', ')}.`}
        option={bySource}
        numbers={
          <NumbersTable
            caption="Enquiries by source"
            columns={['Source', 'Enquiries']}
            rows={rowsOf(sourceRows(stats))}
          />
        }
      />
    </div>
  )
}

function PerDayChart({ days }: { days: Stats['byDay'] }) {
  const option = useMemo(() => perDayOption(days), [days])
  const total = days.reduce((sum, day) => sum + day.count, 0)
  const busiest = days.reduce(
    (best, day) => (day.count > (best?.count ?? -1) ? day : best),
    days[0],
  )
  const today = days.at(-1)
  const summary =
    busiest && today
      ? `${total} enquiries in the last ${days.length} days, ${today.count} today; the busiest day was ${longDay(busiest.date)} with ${busiest.count}.`
      : 'No days to show.'
  return (
    <div className="dashboard-section">
      <Chart
        title={`Enquiries per day, last ${days.length} days`}
        summary={summary}
        option={option}
        numbers={
          <NumbersTable
            caption={`Enquiries per day, last ${days.length} days (UTC)`}
            columns={['Day', 'Enquiries']}
            rows={days.map((day) => ({
              key: day.date,
              label: <time dateTime={day.date}>{longDay(day.date)}</time>,
              values: [day.count],
            }))}
          />
        }
      />
    </div>
  )
}

function CounselorCharts({ counselors }: { counselors: Stats['counselors'] }) {
  const unit = unitFor(
    Math.max(0, ...counselors.map((counselor) => counselor.medianSecondsToClaim ?? 0)),
  )
  const leads = useMemo(() => counselorLeadsOption(counselors), [counselors])
  const conversion = useMemo(() => conversionOption(counselors), [counselors])
  const claimTime = useMemo(() => claimTimeOption(counselors, unit), [counselors, unit])
  const height = heightFor(counselors.length)
  const numbers = { tableId: COUNSELOR_TABLE_ID }
  const named = (figure: (c: Stats['counselors'][number]) => string) =>
    counselors.map((counselor) => `${counselor.name} ${figure(counselor)}`).join(', ')
  return (
    <div className="detail-grid dashboard-section">
      <Chart
        title="Open and converted leads per counselor"
        summary={`Open and converted leads: ${named((c) => `${c.openLeads} open, ${c.converted} converted`)}.`}
        option={leads}
        height={height + 30}
        numbers={numbers}
      />
      <Chart
        title="Conversion rate per counselor"
        summary={`Conversion rate: ${named((c) => percent(c.conversionRate))}.`}
        option={conversion}
        height={height}
        numbers={numbers}
      />
      <Chart
        title="Median time to claim per counselor"
        summary={`Median time to claim: ${named((c) => duration(c.medianSecondsToClaim))}.`}
        option={claimTime}
        height={height}
        numbers={numbers}
      />
    </div>
  )
}

function CounselorTable({ counselors }: { counselors: Stats['counselors'] }) {
  return (
    <section aria-labelledby="counselors-heading" className="card spaced">
      <h2 id="counselors-heading">Per counselor</h2>
      <div className="table-wrap">
        <NumbersTable
          id={COUNSELOR_TABLE_ID}
          caption="Per counselor"
          hideCaption
          columns={[
            'Counselor',
            'Open leads',
            'Converted',
            'Lost',
            'Conversion rate',
            'Median time to claim',
          ]}
          rows={counselors.map((counselor) => ({
            key: counselor._id,
            label: counselor.name,
            values: [
              counselor.openLeads,
              counselor.converted,
              counselor.lost,
              percent(counselor.conversionRate),
              duration(counselor.medianSecondsToClaim),
            ],
          }))}
        />
      </div>
    </section>
  )
}

export function DashboardPage() {
  const stats = useStats()
  const data = stats.data?.data
  return (
    <Page title="Dashboard">
      {stats.error && <Alert tone="error">{stats.error.message}</Alert>}
      {stats.isPending && <Loading label="Loading the figures…" />}
      {data && (
        <>
          <ul className="figures">
            <li>
              <strong>{data.byStatus.unclaimed}</strong> waiting in the pool
            </li>
            <li>
              <strong>{duration(data.timeToClaim.medianSeconds)}</strong> median time to claim
            </li>
            <li>
              <strong>{data.byStatus.converted}</strong> converted
            </li>
            <li>
              <strong>{data.byStatus.lost}</strong> lost
            </li>
          </ul>
          <PipelineCharts stats={data} />
          <PerDayChart days={data.byDay} />
          <CounselorCharts counselors={data.counselors} />
          <CounselorTable counselors={data.counselors} />
        </>
      )}
    </Page>
  )
}
