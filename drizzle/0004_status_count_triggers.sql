-- Keeps enquiry_status_counts exact: every statement that inserts, deletes or changes the status of
-- enquiries adds its net change per status, in its own transaction. A connection writes the shard
-- of its backend pid, so concurrent writers seldom share a row; each statement locks its rows in
-- status order, so two writers that do share a shard cannot deadlock.
ALTER TABLE "enquiry_status_counts" SET (fillfactor = 50);
--> statement-breakpoint
CREATE FUNCTION "enquiry_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO enquiry_status_counts AS counts (status, shard, count)
      SELECT status, pg_backend_pid() % 64, count(*) FROM new_rows GROUP BY status ORDER BY status
      ON CONFLICT (status, shard) DO UPDATE SET count = counts.count + excluded.count;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO enquiry_status_counts AS counts (status, shard, count)
      SELECT status, pg_backend_pid() % 64, -count(*) FROM old_rows GROUP BY status ORDER BY status
      ON CONFLICT (status, shard) DO UPDATE SET count = counts.count + excluded.count;
  ELSE
    INSERT INTO enquiry_status_counts AS counts (status, shard, count)
      SELECT status, pg_backend_pid() % 64, sum(change)
      FROM (
        SELECT status, 1 AS change FROM new_rows
        UNION ALL
        SELECT status, -1 AS change FROM old_rows
      ) AS changes
      GROUP BY status HAVING sum(change) <> 0 ORDER BY status
      ON CONFLICT (status, shard) DO UPDATE SET count = counts.count + excluded.count;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- No write may slip between the first count and the triggers taking over.
LOCK TABLE "enquiries" IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
INSERT INTO "enquiry_status_counts" (status, shard, count)
  SELECT status, 0, count(*) FROM "enquiries" GROUP BY status;
--> statement-breakpoint
CREATE TRIGGER "enquiry_status_counts_insert" AFTER INSERT ON "enquiries"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiry_status_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "enquiry_status_counts_update" AFTER UPDATE ON "enquiries"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiry_status_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "enquiry_status_counts_delete" AFTER DELETE ON "enquiries"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiry_status_counts_apply"();
--> statement-breakpoint
CREATE FUNCTION "enquiry_status_counts_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM enquiry_status_counts;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "enquiry_status_counts_truncate" AFTER TRUNCATE ON "enquiries"
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiry_status_counts_clear"();
