import { type ReactNode, useEffect, useRef } from 'react'
import { echarts } from './echarts'

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0]

interface ChartProps {
  title: string
  /** What the chart shows, in one sentence, for screen readers. */
  summary: string
  option: Option
  /** The chart's numbers as a table: its text alternative, also shown to everyone on request. */
  numbers: ReactNode
}

export function Chart({ title, summary, option, numbers }: ChartProps) {
  const container = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!container.current) return
    const chart = echarts.init(container.current, undefined, { renderer: 'canvas' })
    chart.setOption(option)
    const resize = new ResizeObserver(() => chart.resize())
    resize.observe(container.current)
    return () => {
      resize.disconnect()
      chart.dispose()
    }
  }, [option])
  return (
    <figure className="card chart">
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div ref={container} className="chart-canvas" role="img" aria-label={summary} />
      <details>
        <summary>Numbers behind this chart</summary>
        {numbers}
      </details>
    </figure>
  )
}
