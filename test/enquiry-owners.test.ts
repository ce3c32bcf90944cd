import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase } from '../src/db/client.js'
import { objectId } from '../src/db/schema/columns.js'
import { employees, enquiries } from '../src/db/schema/index.js'
import { insertEmployee } from '../src/modules/employees/repository.js'
import { buildTestApp, createEmployee } from './support/app.js'
import { createPostgresDatabase, needsPostgres, TEST_DATABASE_URL } from './support/database.js'
import { claim, submitEnquiry } from './support/enquiries.js'

// An enquiry's owner is checked by triggers, not a foreign key (drizzle/0014): these say the rule
// still holds, with the foreign key's own error, and holds under races.

/** The SQLSTATE a refused statement failed with, whichever driver ran it. */
async function sqlStateOf(statement: Promise<unknown>): Promise<string | undefined> {
  try {
    await statement
    return undefined
  } catch (error) {
    for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
      const code = (current as { code?: unknown }).code
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    }
    throw error
  }
}

const FOREIGN_KEY_VIOLATION = '23503'

describe('An enquiry’s owner must be an employee', () => {
  test('an enquiry inserted or updated with an unknown owner is refused, and nothing changes', async (t) => {
    const app = await buildTestApp(t)
    const counselor = await createEmployee(app)
    const id = await submitEnquiry(app)
    assert.equal((await claim(app, id, counselor.token)).status, 200)
    const unknown = objectId()

    const updated = app.db.update(enquiries).set({ claimedBy: unknown }).where(eq(enquiries.id, id))
    assert.equal(await sqlStateOf(updated), FOREIGN_KEY_VIOLATION)
    const [stored] = await app.db.select().from(enquiries).where(eq(enquiries.id, id))
    assert.equal(stored?.claimedBy, counselor.id)

    const insertedId = objectId()
    const inserted = app.db.insert(enquiries).values({
      id: insertedId,
      name: 'Nobody’s Lead',
      email: 'nobody@example.com',
      phone: '5550100',
      courseInterest: 'Law',
      status: 'claimed',
      claimedBy: unknown,
    })
    assert.equal(await sqlStateOf(inserted), FOREIGN_KEY_VIOLATION)
    assert.deepEqual(await app.db.select().from(enquiries).where(eq(enquiries.id, insertedId)), [])
  })

  test('an employee who owns enquiries cannot be deleted; one who owns none can', async (t) => {
    const app = await buildTestApp(t)
    const owner = await createEmployee(app)
    const idle = await createEmployee(app)
    const id = await submitEnquiry(app)
    assert.equal((await claim(app, id, owner.token)).status, 200)

    const deleted = app.db.delete(employees).where(eq(employees.id, owner.id))
    assert.equal(await sqlStateOf(deleted), FOREIGN_KEY_VIOLATION)
    assert.equal(
      (await app.db.select().from(employees).where(eq(employees.id, owner.id))).length,
      1,
    )

    await app.db.delete(employees).where(eq(employees.id, idle.id))
    assert.equal((await app.db.select().from(employees).where(eq(employees.id, idle.id))).length, 0)
  })
})

describe('An enquiry’s owner under concurrent deletion (PostgreSQL)', () => {
  /** A migrated database with one employee, and connections of its own to race on. */
  async function raceSetup(t: { after: (fn: () => Promise<void>) => void }) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL as string)
    const database = await openDatabase({ kind: 'postgres', url: created.url })
    await database.migrate()
    const employee = await insertEmployee(database.db, {
      name: 'Racing Counselor',
      email: 'racing@example.com',
      role: 'counselor',
      passwordHash: 'not used',
    })
    assert.ok(employee)
    const clients: pg.Client[] = []
    const connect = async () => {
      const client = new pg.Client({ connectionString: created.url })
      await client.connect()
      clients.push(client)
      return client
    }
    t.after(async () => {
      await Promise.all(clients.map((client) => client.end()))
      await database.close()
      await created.drop()
    })
    const insertOwned = (client: pg.Client, owner: string) =>
      client.query(
        `INSERT INTO enquiries (id, name, email, phone, course_interest, status, claimed_by, claimed_at)
         VALUES ($1, 'Racing Lead', $2, '5550123', 'Law', 'claimed', $3, now())`,
        [objectId(), `${objectId()}@example.com`, owner],
      )
    const deleteEmployee = (client: pg.Client, id: string) =>
      client.query('DELETE FROM employees WHERE id = $1', [id])
    /** Resolves once `count` statements of this database wait for a lock. */
    const waitingForLocks = async (count: number) => {
      const watcher = await connect()
      for (let tries = 0; tries < 500; tries++) {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
        if (rows[0].waiting >= count) return
        await sleep(10)
      }
      assert.fail('no statement came to wait for a lock')
    }
    const owned = async () =>
      (await database.db.select().from(enquiries).where(eq(enquiries.claimedBy, employee.id)))
        .length
    const exists = async () =>
      (await database.db.select().from(employees).where(eq(employees.id, employee.id))).length === 1
    return { employee, connect, insertOwned, deleteEmployee, waitingForLocks, owned, exists }
  }

  test(
    'a deletion waits for an insert in flight naming the employee, then is refused',
    needsPostgres,
    async (t) => {
      const race = await raceSetup(t)
      const inserter = await race.connect()
      const deleter = await race.connect()
      await inserter.query('BEGIN')
      await race.insertOwned(inserter, race.employee.id)
      const deletion = sqlStateOf(race.deleteEmployee(deleter, race.employee.id))
      await race.waitingForLocks(1)
      await inserter.query('COMMIT')
      assert.equal(await deletion, FOREIGN_KEY_VIOLATION)
      assert.equal(await race.exists(), true)
      assert.equal(await race.owned(), 1)
    },
  )

  test(
    'an insert naming an employee whose deletion is in flight waits for it, then is refused',
    needsPostgres,
    async (t) => {
      const race = await raceSetup(t)
      const inserter = await race.connect()
      const deleter = await race.connect()
      await deleter.query('BEGIN')
      await race.deleteEmployee(deleter, race.employee.id)
      const insertion = sqlStateOf(race.insertOwned(inserter, race.employee.id))
      await race.waitingForLocks(1)
      await deleter.query('COMMIT')
      assert.equal(await insertion, FOREIGN_KEY_VIOLATION)
      assert.equal(await race.exists(), false)
      assert.equal(await race.owned(), 0)
    },
  )

  test(
    'at REPEATABLE READ an insert naming an employee deleted since its snapshot fails to serialize',
    needsPostgres,
    async (t) => {
      const race = await raceSetup(t)
      const inserter = await race.connect()
      const deleter = await race.connect()
      await inserter.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
      await inserter.query('SELECT count(*) FROM employees') // the snapshot: the employee exists
      await race.deleteEmployee(deleter, race.employee.id)
      assert.equal(await sqlStateOf(race.insertOwned(inserter, race.employee.id)), '40001')
      await inserter.query('ROLLBACK')
      assert.equal(await race.owned(), 0)
    },
  )

  test('deleting employees is refused at REPEATABLE READ', needsPostgres, async (t) => {
    const race = await raceSetup(t)
    const deleter = await race.connect()
    await deleter.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
    assert.equal(await sqlStateOf(race.deleteEmployee(deleter, race.employee.id)), '55000')
    await deleter.query('ROLLBACK')
    assert.equal(await race.exists(), true)
  })
})
