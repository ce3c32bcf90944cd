import { useMemo } from 'react'
import { Alert } from '../../components/alert'
import { Loading } from '../../components/loading'
import { Page } from '../../components/page'
import type { Stats } from '../../lib/api-models'
import { sourceLabels, sources } from '../../lib/enquiry-labels'
import { useStats } from './api'
import { Chart } from './chart'

const percent = (rate: number) => `${Math.round(rate * 100)}%`

function duration(seconds: number | null): string {
  if (seconds === null) return 'no claims yet'
  if (seconds < 90) return `${Math.round(seconds)} seconds`
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} hours`
  return `${Math.round(seconds / 86_400)} days`
}

function NumbersTable({ caption, rows }: { caption: string; rows: [string, number][] }) {
  return (
    <table>
      <caption className="visually-hidden">{caption}</caption>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

const funnelRows = (stats: Stats): [string, number][] => [
  ['Submitted', stats.funnel.submitted],
  ['Claimed', stats.funnel.claimed],
  ['Contacted', stats.funnel.contacted],
  ['Converted', stats.funnel.converted],
]

const sourceRows = (stats: Stats): [string, number][] =>
  sources.map((source) => [sourceLabels[source], stats.bySource[source]])

function funnelOption(stats: Stats) {
  return {
    tooltip: { trigger: 'item' as const },
    series: [
      {
        type: 'funnel' as const,
        sort: 'none' as const,
        left: '5%',
        width: '60%',
        color: ['#1e3a8a', '#1d4ed8', '#3b82f6', '#047857'],
        min: 0,
        max: Math.max(1, stats.funnel.submitted),
        label: { formatter: '{b}: {c}' },
        data: funnelRows(stats).map(([name, value]) => ({ name, value })),
      },
    ],
  }
}

function sourceOption(stats: Stats) {
  const rows = sourceRows(stats)
  return {
    tooltip: { trigger: 'axis' as const },
    grid: { left: 110, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'value' as const, minInterval: 1 },
    yAxis: { type: 'category' as const, data: rows.map(([label]) => label), inverse: true },
    series: [{ type: 'bar' as const, data: rows.map(([, value]) => value), color: '#1d4ed8' }],
  }
}

function Charts({ stats }: { stats: Stats }) {
  const funnel = useMemo(() => funnelOption(stats), [stats])
  const bySource = useMemo(() => sourceOption(stats), [stats])
  return (
    <div className="detail-grid">
      <Chart
        title="Funnel"
        summary={`Of ${stats.funnel.submitted} enquiries, ${stats.funnel.claimed} were claimed, ${stats.funnel.contacted} contacted and ${stats.funnel.converted} converted; ${stats.byStatus.lost} were lost.`}
        option={funnel}
        numbers={
          <NumbersTable
            caption="Funnel"
            rows={[...funnelRows(stats), ['Lost', stats.byStatus.lost]]}
          />
        }
      />
      <Chart
        title="Enquiries by source"
        summary={sourceRows(stats)
          .map(([label, value]) => `${label}: ${value}`)
          .join(', ')}
        option={bySource}
        numbers={<NumbersTable caption="Enquiries by source" rows={sourceRows(stats)} />}
      />
    </div>
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
          </ul>
          <Charts stats={data} />
          <section aria-labelledby="counselors-heading" className="card spaced">
            <h2 id="counselors-heading">Per counselor</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Counselor</th>
                    <th scope="col">Open leads</th>
                    <th scope="col">Converted</th>
                    <th scope="col">Lost</th>
                    <th scope="col">Conversion rate</th>
                  </tr>
                </thead>
                <tbody>
                  {data.counselors.map((counselor) => (
                    <tr key={counselor._id}>
                      <th scope="row">{counselor.name}</th>
                      <td>{counselor.claimed + counselor.contacted}</td>
                      <td>{counselor.converted}</td>
                      <td>{counselor.lost}</td>
                      <td>{percent(counselor.conversionRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </Page>
  )
}
