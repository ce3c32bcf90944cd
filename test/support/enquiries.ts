import { randomInt } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { enquiries } from '../../src/db/schema/index.js'
import { call, uniqueEmail } from './app.js'

export const randomPhone = (): string => `555${randomInt(1_000_000, 9_999_999)}`

export interface EnquiryInput {
  name?: string
  email?: string
  phone?: string
  courseInterest?: string
  message?: string
  source?: string
  priority?: string
}

export const enquiryForm = (overrides: EnquiryInput = {}) => ({
  name: 'Alice Smith',
  email: uniqueEmail('student'),
  phone: randomPhone(),
  courseInterest: 'Web Development',
  ...overrides,
})

/** Submits the public form and returns the enquiry id. */
export async function submitEnquiry(
  app: FastifyInstance,
  overrides: EnquiryInput = {},
): Promise<string> {
  const { status, body } = await call(app, {
    method: 'POST',
    url: '/api/enquiries',
    payload: enquiryForm(overrides),
  })
  if (status !== 201) throw new Error(`submit failed: ${status} ${JSON.stringify(body)}`)
  return (body.data as { id: string }).id
}

export async function claim(app: FastifyInstance, id: string, token: string) {
  return call(app, { method: 'POST', url: `/api/enquiries/${id}/claim`, token })
}

export async function setStatus(app: FastifyInstance, id: string, status: string, token: string) {
  return call(app, {
    method: 'PUT',
    url: `/api/enquiries/${id}/status`,
    token,
    payload: { status },
  })
}

export async function detail(app: FastifyInstance, id: string, token: string) {
  return call(app, { method: 'GET', url: `/api/enquiries/${id}`, token })
}

/** The newest entry of an enquiry's activity, as its detail shows it. */
export async function lastActivity(
  app: FastifyInstance,
  id: string,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  const { body } = await detail(app, id, token)
  return (body.data as { activity: Record<string, unknown>[] }).activity.at(-1)
}

export interface ListBody {
  success: boolean
  count: number
  total: number
  page: number
  pages: number
  data: { _id: string; [key: string]: unknown }[]
}

export async function list(app: FastifyInstance, url: string, token: string) {
  const { status, body } = await call(app, { method: 'GET', url, token })
  return { status, body: body as unknown as ListBody }
}

export type CursorListBody = ListBody & { nextCursor?: string | null }

/**
 * Follows nextCursor from a list's first page (`base`, a URL with a query string) to its last,
 * collecting the ids shown and each page's number; `last` is the last page's body.
 */
export async function walkByCursor(app: FastifyInstance, base: string, token: string) {
  const seen: string[] = []
  const pages: number[] = []
  let { status, body } = await list(app, base, token)
  for (let hops = 0; ; hops++) {
    if (status !== 200) throw new Error(`${base}: ${status} ${JSON.stringify(body)}`)
    if (hops > 100) throw new Error(`${base}: the walk does not end`)
    seen.push(...body.data.map((e) => e._id))
    pages.push(body.page)
    const next = (body as CursorListBody).nextCursor
    if (!next) break
    ;({ status, body } = await list(app, `${base}&cursor=${next}`, token))
  }
  return { seen, pages, last: body as CursorListBody }
}

/**
 * What `q` means, said the plain way (the oracle the search tests hold the trigram-backed lists
 * to): a case-insensitive substring of the name, the email or the phone, with `%`, `_` and `\`
 * taken literally.
 */
export function matchesSearch(q: string): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`
  return sql`(${enquiries.name} ILIKE ${pattern} OR ${enquiries.email} ILIKE ${pattern} OR ${enquiries.phone} ILIKE ${pattern})`
}
