import { stat, unlink } from 'node:fs/promises'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StartupError } from '../startup-failure.js'

export function holderName(pid: number | undefined): string {
  return pid === undefined ? 'another process' : `process ${pid}`
}

export class DatabaseInUseError extends StartupError {
  override name = 'DatabaseInUseError'

  constructor(
    readonly dataDir: string,
    /** The holder's pid, when it answered. */
    readonly holder: number | undefined,
  ) {
    super(
      `The embedded database at ${dataDir} is already open in ${holderName(holder)}. Only one process may use it: stop that process, or set DATABASE_URL to a PostgreSQL server to run several instances.`,
    )
  }
}

/**
 * Where the lock of one data directory listens: a name the kernel frees as soon as its holder
 * dies (even as an unreaped zombie, whose sockets are already closed). Linux: an abstract Unix
 * socket, which leaves no file behind. Windows: a named pipe. Elsewhere (macOS): a socket file,
 * which outlives its holder and is taken over once nothing answers on it.
 */
function lockAddress(key: string): { path: string; isFile: boolean } {
  const name = `crm-embedded-db-${key}`
  if (process.platform === 'linux') return { path: `\0${name}`, isFile: false }
  if (process.platform === 'win32') return { path: `\\\\.\\pipe\\${name}`, isFile: false }
  return { path: join(tmpdir(), `${name}.sock`), isFile: true }
}

function listenOn(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Whoever connects is told the holder's pid, for the refusal message.
    const server = createServer((socket) => {
      socket.on('error', () => {})
      socket.end(String(process.pid))
    })
    server.once('error', reject)
    // exclusive: a cluster worker binds it itself instead of sharing the primary's handle.
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject)
      server.unref() // holding the lock must not keep the process alive
      resolve(server)
    })
  })
}

/** The pid the holder answers with; 'gone' when nothing listens any more. */
function askHolder(path: string): Promise<number | 'gone' | undefined> {
  return new Promise((resolve) => {
    let answer = ''
    const socket = connect({ path })
    socket.setTimeout(5000, () => socket.destroy())
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'gone' : undefined)
    })
    socket.on('close', () => {
      const pid = Number(answer)
      resolve(Number.isInteger(pid) && pid > 0 ? pid : undefined)
    })
  })
}

/**
 * Only one process may open an embedded database directory: a second one would corrupt it. The
 * lock is keyed by the directory's device and inode, so every path to it (symlinks, relative
 * paths, bind mounts) finds the same lock. Resolves to a function that releases it.
 */
export async function lockEmbeddedDatabase(dataDir: string): Promise<() => Promise<void>> {
  const { dev, ino } = await stat(dataDir, { bigint: true })
  const address = lockAddress(`${dev}-${ino}`)
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await listenOn(address.path)
      return () => new Promise((resolve) => server.close(() => resolve()))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      const holder = await askHolder(address.path)
      if (holder === 'gone' && attempt < 3) {
        if (address.isFile) await unlink(address.path).catch(() => {})
        continue
      }
      throw new DatabaseInUseError(dataDir, typeof holder === 'number' ? holder : undefined)
    }
  }
}
