// `npm start`: compiles TypeScript when the build is missing or older than the sources, then runs
// the compiled server in this same process, so signals reach the server directly.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'dist', 'server.js')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const sourcesChanged =
  !existsSync(entry) ||
  newestMtime(join(root, 'src')) > newestMtime(join(root, 'dist')) ||
  statSync(join(root, 'tsconfig.json')).mtimeMs > statSync(entry).mtimeMs

if (sourcesChanged) {
  console.error('Building (tsc)…')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  })
}

await import(pathToFileURL(entry).href)
