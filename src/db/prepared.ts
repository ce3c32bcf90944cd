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
