// Compiles TypeScript when the build is missing or older than the sources (used by npm start and
// the command-line tools, so a fresh clone needs no separate build step).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export function ensureBuilt() {
  const marker = join(root, 'dist', 'server.js')
  const stale =
    !existsSync(marker) ||
    newestMtime(join(root, 'src')) > newestMtime(join(root, 'dist')) ||
    statSync(join(root, 'tsconfig.json')).mtimeMs > statSync(marker).mtimeMs
  if (!stale) return
  console.error('Building (tsc)…')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  })
}

/** The newest of these files and directories (missing ones ignored). */
function newestOf(paths) {
  return Math.max(
    0,
    ...paths
      .filter((path) => existsSync(path))
      .map((path) => (statSync(path).isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)),
  )
}

/**
 * Builds the web console (Vite) when web/dist is missing or older than its sources. A console that
 * cannot be built is a warning, not a failure: the API starts either way.
 */
export function ensureConsoleBuilt() {
  const web = join(root, 'web')
  if (!existsSync(join(web, 'package.json'))) return
  const sources = ['src', 'public', 'index.html', 'form.html', 'vite.config.ts', 'package.json']
  const built = existsSync(join(web, 'dist', 'index.html'))
  if (built && newestOf(sources.map((path) => join(web, path))) <= newestMtime(join(web, 'dist')))
    return
  let vite
  try {
    const manifest = createRequire(join(web, 'package.json')).resolve('vite/package.json')
    vite = join(dirname(manifest), 'bin', 'vite.js')
  } catch {
    console.error(
      `The web console is ${built ? 'out of date' : 'not built'} and Vite is not installed (npm install installs it); serving ${built ? 'the existing build' : 'the API only'}.`,
    )
    return
  }
  console.error('Building the web console (vite)…')
  try {
    // Vite's report goes to stderr: stdout carries the server's JSON log lines.
    execFileSync(process.execPath, [vite, 'build'], { cwd: web, stdio: ['ignore', 2, 2] })
  } catch {
    console.error('The web console could not be built; the API starts without it.')
  }
}

/** Builds if needed, then runs a compiled module (path relative to dist/) in this process. */
export async function runCompiled(relativePath) {
  ensureBuilt()
  await import(pathToFileURL(join(root, 'dist', relativePath)).href)
}
