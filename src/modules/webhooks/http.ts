import { lookup } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'

const TIMEOUT_MS = 10_000
/** Receivers' response bodies are kept this long, for the delivery log. */
export const RESPONSE_BODY_LIMIT = 1024

/** A receiver's address that deliveries may not reach (SSRF guard). */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError'
}

function rangeList(ipv4: string[], ipv6: string[] = []): BlockList {
  const list = new BlockList()
  for (const range of ipv4) {
    const [network = '', prefix] = range.split('/')
    list.addSubnet(network, Number(prefix ?? 32), 'ipv4')
  }
  for (const range of ipv6) {
    const [network = '', prefix] = range.split('/')
    list.addSubnet(network, Number(prefix ?? 128), 'ipv6')
  }
  return list
}

/** Where a server-side request must not go, by the reason given; checked in this order. */
const REFUSED: [string, BlockList][] = [
  [
    'a cloud metadata address',
    rangeList(['169.254.169.254/32', '100.100.100.200/32'], ['fd00:ec2::254/128']),
  ],
  ['a loopback address', rangeList(['127.0.0.0/8'], ['::1/128'])],
  ['a link-local address', rangeList(['169.254.0.0/16'], ['fe80::/10'])],
  ['a private address', rangeList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ['fc00::/7'])],
  ['a carrier-grade NAT address', rangeList(['100.64.0.0/10'])],
  [
    'a reserved address',
    rangeList(
      ['0.0.0.0/8', '192.0.0.0/24', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'],
      // BlockList checks IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 ranges
      // itself; NAT64 addresses could lead anywhere above, so they are refused as a whole.
      ['::/128', '64:ff9b::/96', 'ff00::/8'],
    ),
  ],
]

/** Why a delivery may not go to this address, or undefined if it may. */
export function refusalOf(address: string): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  for (const [reason, list] of REFUSED) {
    if (list.check(address, family)) return `${address} is ${reason}`
  }
  return undefined
}

/** dns.lookup, refusing every name that resolves to any address in a refused range. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0)
    for (const { address } of addresses) {
      const refusal = refusalOf(address)
      if (refusal)
        return callback(new RefusedAddressError(`refused: ${hostname} → ${refusal}`), '', 0)
    }
    if (options.all)
      return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses)
    const [first] = addresses
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0)
    callback(null, first.address, first.family)
  })
}

export interface PostResult {
  status: number
  /** At most RESPONSE_BODY_LIMIT characters. */
  body: string
}

async function readLimited(response: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of response) {
    body += String(chunk)
    if (body.length >= RESPONSE_BODY_LIMIT) break
  }
  response.destroy()
  return body.slice(0, RESPONSE_BODY_LIMIT)
}

/**
 * POSTs a JSON body. Redirects are not followed (the 3xx is the answer); the whole exchange must
 * end within 10 s. Unless `allowPrivate`, the receiver's address is checked after DNS resolution,
 * on the very address the connection uses, so a name cannot be re-pointed between check and use.
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  allowPrivate: boolean,
): Promise<PostResult> {
  const target = new URL(url)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && isIP(host)) {
    const refusal = refusalOf(host)
    if (refusal) return Promise.reject(new RefusedAddressError(`refused: ${refusal}`))
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<PostResult>((resolve, reject) => {
    const request = send(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'crm-webhooks/1',
        ...headers,
      },
      ...(allowPrivate ? {} : { lookup: guardedLookup }),
    })
    const timer = setTimeout(
      () => request.destroy(new Error(`no complete answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    )
    request.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    request.on('response', (response) => {
      readLimited(response).then(
        (text) => {
          clearTimeout(timer)
          resolve({ status: response.statusCode ?? 0, body: text })
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })
    request.end(body)
  })
}
