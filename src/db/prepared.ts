import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Db } from './client.js'

/**
 * Hot queries built once per database handle (and shape) instead of on every call: the SQL text is
 * kept, and on PostgreSQL each statement is prepared once per connection under its name, so a
 * request pays neither the query builder nor parse and plan. Values are `sql.placeholder(...)`s
 * filled at execution. `shape` tells apart the variants of one query (filters present, order).
 */
export function preparedStatements<T>(build: (db: Db, shape: string) => T) {
  const built = new WeakMap<Db, Map<string, T>>()
  return (db: Db, shape = ''): T => {
    let shapes = built.get(db)
    if (!shapes) {
      shapes = new Map()
      built.set(db, shapes)
    }
    let statement = shapes.get(shape)
    if (statement === undefined) {
      statement = build(db, shape)
      shapes.set(shape, statement)
    }
    return statement
  }
}

/** A raw statement prepared under its name; `execute` fills its `sql.placeholder(...)`s. */
export interface PreparedRaw<Row> {
  execute(values: Record<string, unknown>): Promise<Row[]>
}

const dialect = new PgDialect()

/**
 * A raw SQL statement (for what the query builder cannot say) prepared as the builder's statements
 * are: on PostgreSQL once per connection under `name`. Write constants that partial indexes
 * depend on as literals, not placeholders: a generic plan cannot match them otherwise.
 */
export function prepareRaw<Row>(db: Db, name: string, query: SQL): PreparedRaw<Row> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false)
  return {
    async execute(values) {
      const result = (await prepared.execute(values)) as { rows?: Row[] } | Row[]
      return Array.isArray(result) ? result : (result.rows ?? [])
    },
  }
}
