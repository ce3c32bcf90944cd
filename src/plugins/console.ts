import { existsSync, readdirSync } from 'node:fs'
import { join, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Config } from '../config.js'

/**
 * The console's own Content-Security-Policy: its scripts, styles and API calls come from this
 * origin only, nothing inline, and no other site may frame it. API responses keep the stricter
 * `default-src 'none'` set for every response by the security plugin.
 */
const SAME_ORIGIN_ONLY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
]
const CONSOLE_CSP = [...SAME_ORIGIN_ONLY, "frame-ancestors 'none'"].join('; ')

/** The public form may be framed by this site and the sites in FORM_EMBED_ORIGINS. */
const formCsp = (embedOrigins: string[]): string =>
  [...SAME_ORIGIN_ONLY, `frame-ancestors 'self'${embedOrigins.map((o) => ` ${o}`).join('')}`].join(
    '; ',
  )

/** Vite names everything under assets/ by its content hash: a changed file gets a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
const PRECOMPRESSED = /\.(br|gz)$/
/** A path that names a file (has an extension) is never a page of the console. */
const FILE_LIKE = /\/[^/]*\.[a-z0-9]+$/i
/** The API and the operations endpoints keep their own answers, a 404 included. */
const NOT_CONSOLE = /^\/(api|health|ready|metrics)(\/|$)/

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

function consoleHeaders(embedOrigins: string[]) {
  const formPolicy = formCsp(embedOrigins)
  return (reply: FastifyReply, servedPath: string): void => {
    const path = servedPath.replace(PRECOMPRESSED, '') // form.html.br is form.html
    const isForm = path.endsWith(`${sep}form.html`)
    reply.header('content-security-policy', isForm ? formPolicy : CONSOLE_CSP)
    // helmet's X-Frame-Options: DENY would forbid every frame; frame-ancestors says who may.
    if (isForm) reply.raw.removeHeader('x-frame-options')
    const hashed = path.includes(`${sep}assets${sep}`)
    reply.header('cache-control', hashed ? IMMUTABLE : 'no-cache')
  }
}

/**
 * Serves the built web console (web/dist): its files, and index.html for every other GET outside
 * /api and the operations endpoints, so deep links such as /enquiries/<id> open the console.
 * Unknown /api paths (and /metrics when it is off) keep the API's JSON 404. Without a build the API runs alone. The console's files are cheap and cached, so they
 * do not count against the API's rate limit.
 */
const consolePlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const dir = config.consoleDir
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'web console is not built: serving the API only (npm run build:web)')
    return
  }
  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    cacheControl: false,
    preCompressed: true,
    setHeaders: consoleHeaders(config.formEmbedOrigins),
  })
  const route = { schema: { hide: true }, config: { rateLimit: false as const } }

  for (const file of filesIn(dir)) {
    app.get(`/${file}`, route, (_request, reply) => reply.sendFile(file))
  }

  // The public enquiry form: its own small page, which other sites may frame (see /embed.js).
  if (existsSync(join(dir, 'form.html'))) {
    app.get('/form', route, (_request, reply) => reply.sendFile('form.html'))
    // The notice to link to and whether agreeing to it is required; null: no consent boxes.
    const { noticeUrl, noticeVersion, consentRequired } = config.privacy
    const privacyNotice = noticeUrl
      ? { url: noticeUrl, version: noticeVersion ?? null, required: consentRequired }
      : null
    app.get('/form/config.json', route, (_request, reply) =>
      reply
        .header('cache-control', 'no-cache')
        .send({ courses: config.formCourses, privacyNotice }),
    )
  }
  // Loaded by <script src> from other sites: not only from this origin.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.split('?')[0] === '/embed.js') {
      reply.header('cross-origin-resource-policy', 'cross-origin')
    }
  })
  // Unknown API paths and files reach this route, not the 404 handler: they count against the
  // caller's quota here, as every unknown route does (see app.ts).
  const limitUnknownRoute = app.rateLimit()
  app.get('/*', route, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    if (NOT_CONSOLE.test(path) || FILE_LIKE.test(path)) {
      await limitUnknownRoute.call(app, request, reply)
      return reply.callNotFound()
    }
    return reply.sendFile('index.html')
  })
}

export default consolePlugin
