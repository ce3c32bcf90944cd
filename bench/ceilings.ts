// The floors the stack itself sets, each a separate process: `PORT=… tsx bench/ceilings.ts MODE DB_URL`.
//   full:     bare Fastify + a raw pg pool issuing the same SQL statements the app issues per request
//             (auth look-up, duplicate-safe insert with its activity row) without
//             validation, auth logic or rate limiting;
//   minimal:  the least SQL the request needs (one INSERT for a submit; the page with its total);
//   constant: a bare route returning a constant.
import { ObjectId } from 'bson'
import Fastify from 'fastify'
import pg from 'pg'

const [mode = 'constant', databaseUrl = ''] = process.argv.slice(2)
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
const app = Fastify({ logger: false })

// The page with its total in one statement, as the app reads it.
const POOL_PAGE = `SELECT e.id, e.name, e.email, e.phone, e.course_interest, e.message, e.status, e.source, e.priority,
    o.id AS owner_id, o.name AS owner_name, o.email AS owner_email, e.claimed_at, e.created_at, e.updated_at,
    (SELECT coalesce(sum(count), 0)::int FROM enquiry_pool_counts) AS total
  FROM enquiries e LEFT JOIN employees o ON o.id = e.claimed_by
  WHERE e.status = 'unclaimed' ORDER BY e.created_at DESC, e.id DESC LIMIT $1 OFFSET $2`
const AUTH = `SELECT id, name, email, role, is_active, token_version, last_login, created_at FROM employees WHERE id = $1`
const INSERT = `INSERT INTO enquiries (id, name, email, phone, course_interest, message, source, priority)
  VALUES ($1, $2, $3, $4, $5, $6, 'website', 'medium') ON CONFLICT DO NOTHING RETURNING id, created_at`
// The app's submit: the enquiry and its activity entry in one statement.
const INSERT_WITH_ENTRY = `WITH created AS (${INSERT})
  INSERT INTO activity (id, enquiry_id, type, actor_id, at, details)
  SELECT $7, id, 'created', NULL, created_at, '{}'::jsonb FROM created RETURNING enquiry_id AS id, at`

interface Form {
  name: string
  email: string
  phone: string
  courseInterest: string
  message?: string
}

if (mode === 'constant') {
  app.get('/api/enquiries/unclaimed', async () => ({ success: true }))
  app.post('/api/enquiries', async (_request, reply) => reply.status(201).send({ success: true }))
} else {
  app.post('/api/enquiries', async (request, reply) => {
    const form = request.body as Form
    const values = [
      new ObjectId().toHexString(),
      form.name,
      form.email.toLowerCase(),
      form.phone,
      form.courseInterest,
      form.message ?? null,
    ]
    const { rows } =
      mode === 'minimal'
        ? await pool.query(INSERT, values)
        : await pool.query(INSERT_WITH_ENTRY, [...values, new ObjectId().toHexString()])
    return reply.status(201).send({ success: true, data: { id: rows[0]?.id } })
  })
  app.get('/api/enquiries/unclaimed', async (request) => {
    const query = request.query as { page?: string; limit?: string }
    const limit = Number(query.limit ?? 20)
    const offset = (Number(query.page ?? 1) - 1) * limit
    if (mode === 'full') {
      const subject = String(request.headers['x-bench-employee'] ?? '')
      await pool.query(AUTH, [subject])
    }
    const page = await pool.query(POOL_PAGE, [limit, offset])
    return { success: true, count: page.rowCount, total: page.rows[0]?.total, data: page.rows }
  })
}

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.on('SIGTERM', () => {
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0))
})
