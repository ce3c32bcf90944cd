import { hash } from '@node-rs/argon2'
import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'

export const BENCH_PASSWORD = 'bench-password-123'
export const COUNSELORS = 20
export const BUSY_LEADS = 1000

const counselorIdSql = (n: string) => `'c' || lpad(to_hex(${n}), 23, '0')`
/** The id of counselor n (1 to COUNSELORS), as the seed writes it. */
export const counselorId = (n: number) => `c${n.toString(16).padStart(23, '0')}`

/** Names, courses and sources of the seeded enquiries (the lists scenario searches and filters on them). */
export const FIRST_NAMES = ['Emeka', 'Aisha', 'Wei', 'Priya', 'Lucas', 'Fatima', 'Mateo', 'Yuki']
export const LAST_NAMES = [
  'Okafor',
  'Haddad',
  'Chen',
  'Sharma',
  'Silva',
  'Kowalski',
  'Nguyen',
  'Mensah',
]
export const COURSES = ['MBA', 'Data Science', 'Nursing', 'Computer Science']
export const SOURCES = ['website', 'referral', 'event']

const literalArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`
/** One of `values` for row n, drawn by a hash of n and `salt`: independent of the status and of each other. */
const pick = (values: string[], salt: number) =>
  `(${literalArray(values)})[1 + abs(hashint4(n + ${salt * 10_000_000}) % ${values.length})]`

/**
 * A realistic data set in a handful of statements: an admin, 20 counselors, one busy counselor
 * holding 1,000 leads, and `rows` enquiries: about 10% unclaimed, the rest claimed, contacted,
 * converted or lost across the counselors, with notes on a fifth of the worked leads and a created
 * entry each. Row n is "<first> <last> <n, 6 digits>", p<n>@x.org, +44 770 <7 digits, one phone
 * per row>, one of four courses, three sources and three priorities.
 */
export async function seed(db: Db, rows: number): Promise<void> {
  const passwordHash = await hash(BENCH_PASSWORD)
  await db.execute(sql`
    INSERT INTO employees (id, name, email, password_hash, role)
    SELECT ${sql.raw(counselorIdSql('n'))}, 'Counselor ' || n, 'counselor' || n || '@bench.example', ${passwordHash}, 'counselor'::employee_role
    FROM generate_series(1, ${COUNSELORS}) AS n
    UNION ALL SELECT lpad('a', 24, 'a'), 'Bench Admin', 'admin@bench.example', ${passwordHash}, 'admin'
    UNION ALL SELECT lpad('b', 24, 'b'), 'Busy Counselor', 'busy@bench.example', ${passwordHash}, 'counselor'
    UNION ALL SELECT lpad('d', 24, 'd'), 'Claimer', 'claimer@bench.example', ${passwordHash}, 'counselor'`)

  const statusOf =
    sql.raw(`(CASE n % 10 WHEN 0 THEN 'unclaimed' WHEN 1 THEN 'claimed' WHEN 2 THEN 'claimed'
    WHEN 3 THEN 'claimed' WHEN 4 THEN 'contacted' WHEN 5 THEN 'contacted' WHEN 6 THEN 'converted'
    WHEN 7 THEN 'converted' WHEN 8 THEN 'lost' ELSE 'lost' END)::enquiry_status`)
  const ownerOf =
    sql.raw(`CASE WHEN n % 10 = 0 THEN NULL WHEN n <= ${BUSY_LEADS * 10} AND n % 10 IN (1, 4) THEN lpad('b', 24, 'b')
    ELSE ${counselorIdSql(`1 + abs(hashint4(n + 60000000) % ${COUNSELORS})`)} END`)
  // At least six digits (lpad alone would cut 1000000 to six).
  const number = sql.raw(`lpad(n::text, greatest(6, length(n::text)), '0')`)
  for (let start = 1; start <= rows; start += 50_000) {
    const end = Math.min(rows, start + 49_999)
    await db.execute(sql`
      INSERT INTO enquiries (id, name, email, phone, course_interest, message, status, source, priority,
                             claimed_by, claimed_at, created_at, updated_at)
      SELECT lpad(to_hex(n), 24, '0'),
             ${sql.raw(pick(FIRST_NAMES, 1))} || ' ' || ${sql.raw(pick(LAST_NAMES, 2))} || ' ' || ${number},
             'p' || ${number} || '@x.org',
             -- 7919 is prime to 10: n ↦ n × 7919 mod 10^7 gives each row its own phone.
             '+44 770 ' || lpad(((n::bigint * 7919) % 10000000)::text, 7, '0'),
             ${sql.raw(pick(COURSES, 3))},
             CASE WHEN n % 3 = 0 THEN 'I would like to know more about fees and start dates' END,
             ${statusOf},
             ${sql.raw(pick(SOURCES, 4))}::enquiry_source,
             ${sql.raw(pick(['low', 'medium', 'high'], 5))}::enquiry_priority,
             ${ownerOf},
             CASE WHEN n % 10 = 0 THEN NULL ELSE now() - (n * interval '250 ms') + interval '1 hour' END,
             now() - (n * interval '250 ms'), now() - (n * interval '250 ms')
      FROM generate_series(${start}::int, ${end}::int) AS n`)
  }
  await db.execute(sql`
    INSERT INTO notes (id, enquiry_id, text, added_by, added_at)
    SELECT '1' || lpad(to_hex(id_number), 23, '0'), id, 'Called the student, interested in our course', claimed_by, claimed_at
    FROM (SELECT id, claimed_by, claimed_at, row_number() OVER () AS id_number FROM enquiries
          WHERE claimed_by IS NOT NULL AND right(id, 1) IN ('1', '6', 'a')) AS worked`)
  await db.execute(sql`
    INSERT INTO activity (id, enquiry_id, type, at)
    SELECT '2' || lpad(to_hex(row_number() OVER ()), 23, '0'), id, 'created', created_at FROM enquiries`)
  // VACUUM too: it sets the visibility map, without which index-only scans still visit the table.
  await db.execute(sql`VACUUM ANALYZE`)
}
