import { isIPv6 } from 'node:net'
import type { Redis } from 'ioredis'

/**
 * Stops password guessing without letting a stranger lock the owner out (OWASP's advice: count
 * per account and client address). Each attempt is counted before the password is checked, so
 * simultaneous guesses cannot slip past a limit:
 * - per (account, address) pair: past `maxFailures` in the window that pair gets 429, even with
 *   the right password; other addresses are unaffected. A success clears the pair's count.
 * - per account, across addresses: once `accountMaxFailures` passwords have been checked and not
 *   succeeded in the window, addresses that have already tried (and not succeeded) get 429 too;
 *   an address making its first attempt is still checked, so the owner's right password from a
 *   clean address always gets through.
 * Unknown accounts are counted the same way, so a lock reveals nothing about which exist.
 */
export interface Lockout {
  /** Counts an attempt by `address` on `account`; `allowed: false` with seconds until it may retry. */
  attempt(account: string, address: string): Promise<LockoutDecision>
  /** The password was right: clears the pair and takes this attempt off the account's count. */
  succeeded(account: string, address: string): Promise<void>
}

export interface LockoutDecision {
  allowed: boolean
  retryAfterSeconds: number
}

export interface LockoutPolicy {
  maxFailures: number
  accountMaxFailures: number
  windowMs: number
  /** Redis key prefix (REDIS_KEY_PREFIX) and what is being guessed, e.g. `login`. */
  keyPrefix: string
  scope: string
}

interface Keys {
  pair: string
  account: string
}

/**
 * The client network an address stands for: an IPv4 address itself (also when IPv4-mapped), an
 * IPv6 address its /64, since one host is usually given a whole /64 and could otherwise make
 * every guess from a fresh address.
 */
export function clientNetworkOf(address: string): string {
  if (!isIPv6(address)) return address
  const bare = address.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)
  if (mapped?.[1]) return mapped[1]
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : [])
  const [head, tail] = bare.split('::')
  const headGroups = groupsOf(head)
  const tailGroups = groupsOf(tail)
  // A dotted IPv4 tail fills two groups.
  const written = headGroups.length + tailGroups.length + (bare.includes('.') ? 1 : 0)
  const groups = [...headGroups, ...Array<string>(8 - written).fill('0'), ...tailGroups]
  const network = groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16))
  return `${network.join(':')}::/64`
}

/** When refused, `ttlMs` is how long the counter that refused lives on. */
type Outcome = { allowed: boolean; ttlMs: number }

const MAX_TRACKED = 10_000

/** Per process: enough for one instance; several instances share counts through Redis. */
function memoryCounters(policy: LockoutPolicy) {
  const entries = new Map<string, { count: number; expiresAt: number }>()

  function live(key: string, now: number) {
    const entry = entries.get(key)
    return entry && entry.expiresAt > now ? entry : undefined
  }
  function increment(key: string, now: number) {
    const entry = live(key, now) ?? { count: 0, expiresAt: now + policy.windowMs }
    entry.count += 1
    entries.set(key, entry)
    return entry
  }

  return {
    // Synchronous from start to end: the same decisions as ATTEMPT_SCRIPT, and as atomic.
    attempt(keys: Keys): Outcome {
      const now = Date.now()
      if (entries.size > MAX_TRACKED) {
        for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key)
      }
      const pair = increment(keys.pair, now)
      if (pair.count > policy.maxFailures) return { allowed: false, ttlMs: pair.expiresAt - now }
      const account = live(keys.account, now)
      if (pair.count > 1 && account && account.count >= policy.accountMaxFailures) {
        return { allowed: false, ttlMs: account.expiresAt - now }
      }
      increment(keys.account, now)
      return { allowed: true, ttlMs: 0 }
    },
    succeeded(keys: Keys): void {
      entries.delete(keys.pair)
      const account = live(keys.account, Date.now())
      if (account && account.count > 0) account.count -= 1
    },
  }
}

// KEYS: pair, account. ARGV: window (ms), maxFailures, accountMaxFailures.
// Returns {allowed (1/0), ttl (ms) of the counter that refused}.
const ATTEMPT_SCRIPT = `
local pair = redis.call('INCR', KEYS[1])
if pair == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if pair > tonumber(ARGV[2]) then return {0, redis.call('PTTL', KEYS[1])} end
if pair > 1 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then
  return {0, redis.call('PTTL', KEYS[2])}
end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return {1, 0}`

const SUCCEEDED_SCRIPT = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1`

export function createLockout(
  policy: LockoutPolicy,
  redis: Redis | undefined,
  onRedisError: (error: unknown) => void = () => {},
): Lockout {
  const memory = memoryCounters(policy)
  // A network never contains `|`, so the pair key names one (account, network) pair only.
  const keysOf = (account: string, address: string): Keys => ({
    pair: `${policy.keyPrefix}${policy.scope}-failures:pair:${account}|${clientNetworkOf(address)}`,
    account: `${policy.keyPrefix}${policy.scope}-failures:account:${account}`,
  })

  async function attempt(keys: Keys): Promise<Outcome> {
    if (redis) {
      try {
        const [allowed, ttlMs] = (await redis.eval(
          ATTEMPT_SCRIPT,
          2,
          keys.pair,
          keys.account,
          policy.windowMs,
          policy.maxFailures,
          policy.accountMaxFailures,
        )) as [number, number]
        return { allowed: allowed === 1, ttlMs }
      } catch (error) {
        onRedisError(error) // Redis down: this instance keeps counting on its own
      }
    }
    return memory.attempt(keys)
  }

  return {
    async attempt(account, address) {
      const { allowed, ttlMs } = await attempt(keysOf(account, address))
      return { allowed, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
    },
    async succeeded(account, address) {
      const keys = keysOf(account, address)
      memory.succeeded(keys)
      if (redis) {
        await redis.eval(SUCCEEDED_SCRIPT, 2, keys.pair, keys.account).catch(onRedisError)
      }
    },
  }
}
