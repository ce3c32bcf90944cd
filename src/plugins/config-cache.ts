import { getTableName, type Table } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** What admins configure and hot paths read: cached until the database says it changed. */
    configCache: ConfigCache
  }
}

/** Notified by triggers on the configuration tables, with the table's name (drizzle/0011). */
const CONFIG_CHANGED = 'crm_config_changed'

/**
 * Values read from one table each (the active routing rules, the team's settings), kept until a
 * trigger on that table notifies a change, on any instance. While notifications may be missed
 * (the LISTEN connection is down) every read goes to the database. Forgetting drops a load still
 * in flight too, so every read that starts after a change's notification sees the change; the
 * instance that made a change forgets at once, without waiting for its notification.
 */
export class ConfigCache {
  /** By table, then by what was read from it. */
  readonly #values = new Map<string, Map<string, Promise<unknown>>>()
  #enabled = false

  read<T>(table: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.#enabled) return load()
    let values = this.#values.get(table)
    if (!values) {
      values = new Map()
      this.#values.set(table, values)
    }
    const cached = values.get(key)
    if (cached) return cached as Promise<T>
    const loading = load()
    values.set(key, loading)
    const kept = values
    loading.catch(() => {
      if (kept.get(key) === loading) kept.delete(key)
    })
    return loading
  }

  forget(table: string): void {
    this.#values.delete(table)
  }

  set enabled(on: boolean) {
    this.#values.clear()
    this.#enabled = on
  }
}

/**
 * For a scope of routes that change `table`: after each change (committed before its reply is
 * sent) this instance reads it afresh at once; the others when the notification reaches them.
 */
export function forgetAfterChanges(app: FastifyInstance, table: Table): void {
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.method !== 'GET') app.configCache.forget(getTableName(table))
    return payload
  })
}

export default fp(
  async (app) => {
    const cache = new ConfigCache()
    app.decorate('configCache', cache)
    let stopping = false
    const stopListening = await app.listenToDatabase(
      CONFIG_CHANGED,
      (table) => cache.forget(table),
      (listening) => {
        cache.enabled = listening
        if (!listening && !stopping) {
          app.log.warn('configuration change notifications lost: reading it on every request')
        }
      },
    )
    app.addHook('onClose', async () => {
      stopping = true
      await stopListening()
    })
  },
  { name: 'config-cache', dependencies: ['database'] },
)
