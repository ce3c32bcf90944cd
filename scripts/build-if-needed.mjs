// Compiles TypeScript when the build is missing or older than the sources (used by npm start and
// the command-line tools, so a fresh clone needs no separate build step).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
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

/** Builds if needed, then runs a compiled module (path relative to dist/) in this process. */
export async function runCompiled(relativePath) {
  ensureBuilt()
  await import(pathToFileURL(join(root, 'dist', relativePath)).href)
}
