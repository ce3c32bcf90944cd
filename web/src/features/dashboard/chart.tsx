import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { echarts } from './echarts'

export type ChartOption = Parameters<ReturnType<typeof echarts.init>['setOption']>[0]

interface ChartProps {
  title: string
  /** What the chart shows, in a sentence with its main numbers: the picture's accessible name. */
  summary: string
  option: ChartOption
  /** Taller charts for long lists (one bar a counselor). */
  height?: number
  /**
   * The text alternative: the chart's numbers as a table, which screen readers always have and
   * anyone can show. Or, where a table on the page already holds them, that table's id.
   */
  numbers: ReactNode | { tableId: string }
}

const isTableId = (numbers: ChartProps['numbers']): numbers is { tableId: string } =>
  typeof numbers === 'object' && numbers !== null && 'tableId' in numbers

export function Chart({ title, summary, option, height = 280, numbers }: ChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const id = useId()
  const [shown, setShown] = useState(false)
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
  const numbersId = isTableId(numbers) ? numbers.tableId : `${id}-numbers`
  return (
    <figure className="card chart" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h2 id={`${id}-title`}>{title}</h2>
      </figcaption>
      <div
        ref={container}
        className="chart-canvas"
        style={{ height }}
        role="img"
        aria-label={summary}
        aria-describedby={numbersId}
      />
      {!isTableId(numbers) && (
        <>
          <div id={numbersId} className={shown ? 'chart-numbers' : 'visually-hidden'}>
            {numbers}
          </div>
          {/* The table is always there for screen readers; this shows it to everyone else. */}
          <button
            type="button"
            className="button-secondary chart-toggle"
            aria-controls={numbersId}
            onClick={() => setShown(!shown)}
          >
            {shown ? 'Hide the numbers' : 'Show the numbers'}
          </button>
        </>
      )}
    </figure>
  )
}

interface NumbersTableProps {
  caption: string
  /** The header of each column: what a row is, then what its numbers are. */
  columns: readonly string[]
  rows: readonly { key: string; label: ReactNode; values: readonly ReactNode[] }[]
  id?: string
  /** Where a heading above already says it. */
  hideCaption?: boolean
}

/** A chart's numbers, a row for each bar. */
export function NumbersTable({ caption, columns, rows, id, hideCaption }: NumbersTableProps) {
  return (
    <table id={id}>
      <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            {row.values.map((value, index) => (
              <td key={columns[index + 1] ?? index}>{value}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
