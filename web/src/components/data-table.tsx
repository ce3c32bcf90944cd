import type { ReactNode } from 'react'

export interface Column<Row> {
  header: string
  cell: (row: Row) => ReactNode
  /** The cell that names its row (a `th`), as screen readers announce rows by it. */
  rowHeader?: boolean
  /** Buttons: the header is for screen readers only, and on a phone the cell has no label. */
  action?: boolean
}

interface DataTableProps<Row> {
  /** Read by screen readers only: what the rows are. */
  caption: string
  columns: readonly Column<Row>[]
  /** Each row is keyed by its id. */
  rows: readonly Row[]
  /** True while a newer page loads in place of the one shown. */
  busy?: boolean
}

function BodyCell<Row>({ column, row }: { column: Column<Row>; row: Row }) {
  if (column.rowHeader) {
    return (
      <th scope="row" data-label={column.header}>
        {column.cell(row)}
      </th>
    )
  }
  if (column.action) return <td className="row-action">{column.cell(row)}</td>
  return <td data-label={column.header}>{column.cell(row)}</td>
}

/** A list as a table; on a phone each row becomes a card whose cells carry their labels. */
export function DataTable<Row extends { _id: string }>({
  caption,
  columns,
  rows,
  busy,
}: DataTableProps<Row>) {
  return (
    <div className="table-wrap" aria-busy={busy}>
      <table className="responsive-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.header}>
                {column.action ? (
                  <span className="visually-hidden">{column.header}</span>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row._id}>
              {columns.map((column) => (
                <BodyCell key={column.header} column={column} row={row} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
