-- The counts behind every list's total, kept as enquiry_status_counts was (see 0004) and in its
-- place: every statement that inserts, deletes or changes enquiries adds its net change, in its own
-- transaction, on the writer's shard. An unclaimed enquiry counts in enquiry_pool_counts (by
-- course, priority and source), any other in enquiry_owner_counts (by owner and status), so each
-- write touches as few counters as before. Rows are locked pool first, then owners, each in key
-- order, so two writers that share a shard cannot deadlock.
ALTER TABLE "enquiry_pool_counts" SET (fillfactor = 50);
--> statement-breakpoint
ALTER TABLE "enquiry_owner_counts" SET (fillfactor = 50);
--> statement-breakpoint
ALTER FUNCTION "enquiry_status_counts_apply"() RENAME TO "enquiry_counts_apply";
--> statement-breakpoint
ALTER FUNCTION "enquiry_status_counts_clear"() RENAME TO "enquiry_counts_clear";
--> statement-breakpoint
-- No write may slip between the first count and the triggers taking over.
LOCK TABLE "enquiries" IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
INSERT INTO "enquiry_pool_counts" (course_interest, priority, source, shard, count)
  SELECT course_interest, priority, source, 0, count(*) FROM "enquiries"
  WHERE status = 'unclaimed' GROUP BY course_interest, priority, source;
--> statement-breakpoint
INSERT INTO "enquiry_owner_counts" (claimed_by, status, shard, count)
  SELECT claimed_by, status, 0, count(*) FROM "enquiries"
  WHERE status <> 'unclaimed' GROUP BY claimed_by, status;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "enquiry_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO enquiry_pool_counts AS counts (course_interest, priority, source, shard, count)
      SELECT course_interest, priority, source, pg_backend_pid() % 64, count(*) FROM new_rows
      WHERE status = 'unclaimed' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (course_interest, priority, source, shard)
      DO UPDATE SET count = counts.count + excluded.count;
    INSERT INTO enquiry_owner_counts AS counts (claimed_by, status, shard, count)
      SELECT claimed_by, status, pg_backend_pid() % 64, count(*) FROM new_rows
      WHERE status <> 'unclaimed' GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (claimed_by, status, shard) DO UPDATE SET count = counts.count + excluded.count;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO enquiry_pool_counts AS counts (course_interest, priority, source, shard, count)
      SELECT course_interest, priority, source, pg_backend_pid() % 64, -count(*) FROM old_rows
      WHERE status = 'unclaimed' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (course_interest, priority, source, shard)
      DO UPDATE SET count = counts.count + excluded.count;
    INSERT INTO enquiry_owner_counts AS counts (claimed_by, status, shard, count)
      SELECT claimed_by, status, pg_backend_pid() % 64, -count(*) FROM old_rows
      WHERE status <> 'unclaimed' GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (claimed_by, status, shard) DO UPDATE SET count = counts.count + excluded.count;
  ELSE
    INSERT INTO enquiry_pool_counts AS counts (course_interest, priority, source, shard, count)
      SELECT course_interest, priority, source, pg_backend_pid() % 64, sum(change)
      FROM (
        SELECT course_interest, priority, source, 1 AS change FROM new_rows
        WHERE status = 'unclaimed'
        UNION ALL
        SELECT course_interest, priority, source, -1 AS change FROM old_rows
        WHERE status = 'unclaimed'
      ) AS changes
      GROUP BY 1, 2, 3 HAVING sum(change) <> 0 ORDER BY 1, 2, 3
      ON CONFLICT (course_interest, priority, source, shard)
      DO UPDATE SET count = counts.count + excluded.count;
    INSERT INTO enquiry_owner_counts AS counts (claimed_by, status, shard, count)
      SELECT claimed_by, status, pg_backend_pid() % 64, sum(change)
      FROM (
        SELECT claimed_by, status, 1 AS change FROM new_rows WHERE status <> 'unclaimed'
        UNION ALL
        SELECT claimed_by, status, -1 AS change FROM old_rows WHERE status <> 'unclaimed'
      ) AS changes
      GROUP BY 1, 2 HAVING sum(change) <> 0 ORDER BY 1, 2
      ON CONFLICT (claimed_by, status, shard) DO UPDATE SET count = counts.count + excluded.count;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "enquiry_counts_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM enquiry_pool_counts;
  DELETE FROM enquiry_owner_counts;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TABLE "enquiry_status_counts";
