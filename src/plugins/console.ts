import { existsSync, readdirSync } from 'node:fs'
import { join, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'

/**
 * The console's own Content-Security-Policy: its scripts, styles and API calls come from this
 * origin only, nothing inline, and no other site may frame it. API responses keep the stricter
 * `default-src 'none'` set for every response by the security plugin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Vite names everything under assets/ by its content hash: a changed file gets a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
const PRECOMPRESSED = /\.(br|gz)$/
/** A path that names a file (has an extension) is never a page of the console. */
const FILE_LIKE = /\/[^/]*\.[a-z0-9]+$/i

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !PRECOMPRESSED.test(entry.name))
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .split(sep)
        .join('/'),
    )
}

function setConsoleHeaders(reply: FastifyReply, path: string): void {
  reply.header('content-security-policy', CONSOLE_CSP)
  const hashed = path.includes(`${sep}assets${sep}`) || path.includes('/assets/')
  reply.header('cache-control', hashed ? IMMUTABLE : 'no-cache')
}

/**
 * Serves the built web console (web/dist): its files, and index.html for every other GET outside
 * /api, so deep links such as /enquiries/<id> open the console. Unknown /api paths keep the API's
 * JSON 404. Without a build the API runs alone. The console's files are cheap and cached, so they
 * do not count against the API's rate limit.
 */
const consolePlugin: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'web console is not built: serving the API only (npm run build:web)')
    return
  }
  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    cacheControl: false,
    preCompressed: true,
    setHeaders: setConsoleHeaders,
  })
  const route = { schema: { hide: true }, config: { rateLimit: false as const } }

  for (const file of filesIn(dir)) {
    app.get(`/${file}`, route, (_request, reply) => reply.sendFile(file))
  }
  app.get('/*', route, (request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    if (path === '/api' || path.startsWith('/api/') || FILE_LIKE.test(path)) {
      return reply.callNotFound()
    }
    return reply.sendFile('index.html')
  })
}

export default consolePlugin
