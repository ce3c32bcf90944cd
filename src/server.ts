import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

async function main(): Promise<void> {
  const config = loadConfig()
  const app = await buildApp(config)
  if (config.jwt.secretIsEphemeral) {
    app.log.warn('JWT_SECRET is not set: using a random secret, so tokens stop working on restart')
  }
  if (process.argv.includes('--migrate-only')) {
    await app.close()
    return
  }

  let closing = false
  const shutDown = (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)

  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  // One clear line for configuration mistakes; the full error for anything else.
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
