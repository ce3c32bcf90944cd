import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { hash, verify } from '@node-rs/argon2'
import { compare as compareBcrypt } from '@node-rs/bcrypt'
import pLimit from 'p-limit'

// Each argon2id computation holds 19 MiB while it runs on the thread pool. More at once than there
// are cores finishes none sooner, but a login storm would hold that much memory per queued login:
// the rest wait their turn here.
const hashing = pLimit(availableParallelism())

// argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
export const hashPassword = (password: string): Promise<string> => hashing(() => hash(password))

/** The original MongoDB system stored bcrypt hashes; they still verify and are upgraded on login. */
export const isLegacyHash = (passwordHash: string): boolean => /^\$2[aby]\$/.test(passwordHash)

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return isLegacyHash(passwordHash)
      ? await hashing(() => compareBcrypt(password, passwordHash))
      : await hashing(() => verify(passwordHash, password))
  } catch {
    return false // a malformed stored hash never matches
  }
}

let dummyHash: Promise<string> | undefined
/** Verifying against this when no account matches keeps "unknown email" as slow as "wrong password". */
export function verifyAgainstDummy(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false)
}
