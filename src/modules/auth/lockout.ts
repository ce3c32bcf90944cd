import type { Redis } from 'ioredis'

/**
 * Counts login attempts per email so that guessing a password stops after a few tries. An attempt
 * is counted before the password is checked, so simultaneous guesses cannot slip past the limit;
 * a successful login clears the count. Unknown emails are counted too, so a lockout reveals
 * nothing about which accounts exist.
 */
export interface LoginLockout {
  /** Counts an attempt; `allowed: false` once the limit is passed, with seconds until it resets. */
  attempt(email: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>
  reset(email: string): Promise<void>
}

export interface LockoutPolicy {
  maxFailures: number
  windowMs: number
  keyPrefix: string
}

type Counter = (key: string, windowMs: number) => Promise<{ count: number; ttlMs: number }>

const MAX_TRACKED = 10_000

/** Per process: enough for one instance; several instances share counts through Redis. */
function memoryCounter(): { count: Counter; clear: (key: string) => void } {
  const entries = new Map<string, { count: number; expiresAt: number }>()
  return {
    async count(key, windowMs) {
      const now = Date.now()
      if (entries.size > MAX_TRACKED) {
        for (const [k, entry] of entries) if (entry.expiresAt <= now) entries.delete(k)
      }
      const current = entries.get(key)
      const entry =
        current && current.expiresAt > now
          ? { count: current.count + 1, expiresAt: current.expiresAt }
          : { count: 1, expiresAt: now + windowMs }
      entries.set(key, entry)
      return { count: entry.count, ttlMs: entry.expiresAt - now }
    },
    clear: (key) => {
      entries.delete(key)
    },
  }
}

// INCR and start the window on the first attempt, atomically.
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`

export function createLoginLockout(
  policy: LockoutPolicy,
  redis: Redis | undefined,
  onRedisError: (error: unknown) => void = () => {},
): LoginLockout {
  const memory = memoryCounter()
  const keyOf = (email: string) => `${policy.keyPrefix}login-attempts:${email.toLowerCase()}`

  async function count(key: string): Promise<{ count: number; ttlMs: number }> {
    if (redis) {
      try {
        const [count, ttlMs] = (await redis.eval(COUNT_SCRIPT, 1, key, policy.windowMs)) as [
          number,
          number,
        ]
        return { count, ttlMs }
      } catch (error) {
        onRedisError(error) // Redis down: this instance keeps counting on its own
      }
    }
    return memory.count(key, policy.windowMs)
  }

  return {
    async attempt(email) {
      const { count: attempts, ttlMs } = await count(keyOf(email))
      return {
        allowed: attempts <= policy.maxFailures,
        retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      }
    },
    async reset(email) {
      const key = keyOf(email)
      memory.clear(key)
      if (redis) await redis.del(key).catch(onRedisError)
    },
  }
}
