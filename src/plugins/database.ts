import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { type Database, type Db, openDatabase } from '../db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    /** LISTEN for the database's notifications (see Database.listen). */
    listenToDatabase: Database['listen']
    /** Where the job queue finds this same database. */
    jobQueueTarget: Database['jobQueueTarget']
  }
}

export interface DatabasePluginOptions {
  config: Config
  /** An already open database (tests pass a fresh in-memory one); otherwise config decides. */
  database?: Database
}

/** Opens the database, applies migrations, and closes it on shutdown. */
export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const opened =
      database ??
      (await openDatabase(config.database, {
        onConnectionError: (error) => app.log.error({ err: error }, 'database connection lost'),
      }))
    app.addHook('onClose', () => opened.close())
    await opened.migrate()
    app.decorate('db', opened.db)
    app.decorate('listenToDatabase', opened.listen)
    app.decorate('jobQueueTarget', { getter: () => opened.jobQueueTarget })
  },
  { name: 'database' },
)
