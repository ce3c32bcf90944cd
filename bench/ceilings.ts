// The floors the stack itself sets, each a separate process: `PORT=… tsx bench/ceilings.ts MODE DB_URL`.
//   full:     bare Fastify + a raw pg pool issuing the same SQL statements the app issues per request
//             (auth look-up, duplicate-safe insert in a transaction, activity row) without
//             validation, auth logic or rate limiting;
//   minimal:  the least SQL the request needs (one INSERT for a submit; page + count for the pool);
//   constant: a bare route returning a constant.
import { ObjectId } from 'bson'
import Fastify from 'fastify'
import pg from 'pg'

const [mode = 'constant', databaseUrl = ''] = process.argv.slice(2)
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
const app = Fastify({ logger: false })

const POOL_PAGE = `SELECT e.id, e.name, e.email, e.phone, e.course_interest, e.message, e.status, e.source, e.priority,
    o.id AS owner_id, o.name AS owner_name, o.email AS owner_email, e.claimed_at, e.created_at, e.updated_at
  FROM enquiries e LEFT JOIN employees o ON o.id = e.claimed_by
  WHERE e.status = 'unclaimed' ORDER BY e.created_at DESC, e.id DESC LIMIT $1 OFFSET $2`
const POOL_COUNT = `SELECT coalesce(sum(count), 0)::int AS total FROM enquiry_status_counts WHERE status = 'unclaimed'`
const AUTH = `SELECT id, name, email, role, is_active, token_version, last_login, created_at FROM employees WHERE id = $1`
const INSERT = `INSERT INTO enquiries (id, name, email, phone, course_interest, message, source, priority)
  VALUES ($1, $2, $3, $4, $5, $6, 'website', 'medium') ON CONFLICT DO NOTHING RETURNING id, created_at`
const ACTIVITY = `INSERT INTO activity (id, enquiry_id, type) VALUES ($1, $2, 'created')`

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
    if (mode === 'minimal') {
      const { rows } = await pool.query(INSERT, values)
      return reply.status(201).send({ success: true, data: { id: rows[0]?.id } })
    }
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const { rows } = await client.query(INSERT, values)
      await client.query(ACTIVITY, [new ObjectId().toHexString(), rows[0]?.id])
      await client.query('COMMIT')
      return reply.status(201).send({ success: true, data: { id: rows[0]?.id } })
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    } finally {
      client.release()
    }
  })
  app.get('/api/enquiries/unclaimed', async (request) => {
    const query = request.query as { page?: string; limit?: string }
    const limit = Number(query.limit ?? 20)
    const offset = (Number(query.page ?? 1) - 1) * limit
    if (mode === 'full') {
      const subject = String(request.headers['x-bench-employee'] ?? '')
      await pool.query(AUTH, [subject])
    }
    const [page, count] = await Promise.all([
      pool.query(POOL_PAGE, [limit, offset]),
      pool.query(POOL_COUNT),
    ])
    return { success: true, count: page.rowCount, total: count.rows[0]?.total, data: page.rows }
  })
}

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.on('SIGTERM', () => {
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0))
})
