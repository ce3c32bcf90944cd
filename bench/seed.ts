import { hash } from '@node-rs/argon2'
import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'

export const BENCH_PASSWORD = 'bench-password-123'
export const COUNSELORS = 20
export const BUSY_LEADS = 1000

const counselorId = (n: string) => `'c' || lpad(to_hex(${n}), 23, '0')`

/**
 * A realistic data set in a handful of statements: an admin, 20 counselors, one busy counselor
 * holding 1,000 leads, and `rows` enquiries: about 10% unclaimed, the rest claimed, contacted,
 * converted or lost across the counselors, with notes on a fifth of the worked leads and a created
 * entry each.
 */
export async function seed(db: Db, rows: number): Promise<void> {
  const passwordHash = await hash(BENCH_PASSWORD)
  await db.execute(sql`
    INSERT INTO employees (id, name, email, password_hash, role)
    SELECT ${sql.raw(counselorId('n'))}, 'Counselor ' || n, 'counselor' || n || '@bench.example', ${passwordHash}, 'counselor'::employee_role
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
    ELSE 'c' || lpad(to_hex(1 + n % ${COUNSELORS}), 23, '0') END`)
  for (let start = 1; start <= rows; start += 50_000) {
    const end = Math.min(rows, start + 49_999)
    await db.execute(sql`
      INSERT INTO enquiries (id, name, email, phone, course_interest, message, status, source, priority,
                             claimed_by, claimed_at, created_at, updated_at)
      SELECT lpad(to_hex(n), 24, '0'), 'Student ' || n, 'student' || n || '@bench.example', '7' || lpad(n::text, 9, '0'),
             (ARRAY['Web Development', 'Data Science', 'Nursing', 'UX Design', 'Accounting'])[1 + n % 5],
             CASE WHEN n % 3 = 0 THEN 'I would like to know more about fees and start dates' END,
             ${statusOf},
             (ARRAY['website', 'referral', 'social_media', 'event', 'walk_in'])[1 + n % 5]::enquiry_source,
             (ARRAY['low', 'medium', 'high'])[1 + n % 3]::enquiry_priority,
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
