-- An enquiry's owner (claimed_by) must be an employee, as the foreign key said, but checked without
-- its row lock: a foreign key locks the owner's employees row (FOR KEY SHARE) until commit, so
-- simultaneous routings and claims for one counselor all lock the same row, which PostgreSQL then
-- records as a new multixact for every locker. Employees are never deleted by the app (they are
-- deactivated); the check on the employees side keeps the rule whole for anyone who deletes one
-- by hand. Errors are the foreign key's own (SQLSTATE 23503, the same constraint name).
ALTER TABLE "enquiries" DROP CONSTRAINT "enquiries_claimed_by_employees_id_fk";
--> statement-breakpoint
-- Every statement that inserts or updates enquiries: each owner it names must exist. At READ
-- COMMITTED (the app's level) each query here sees every commit before it, and a deletion of an
-- employee waits for this transaction (below). A transaction at a stricter level reads from an
-- older snapshot, so it locks the owners as the foreign key did: an owner deleted meanwhile is then
-- a serialization failure.
CREATE FUNCTION "enquiries_check_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    PERFORM 1 FROM employees
      WHERE id IN (SELECT claimed_by FROM new_rows WHERE claimed_by IS NOT NULL)
      FOR KEY SHARE;
  END IF;
  SELECT n.claimed_by INTO missing FROM new_rows n
    WHERE n.claimed_by IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM employees e WHERE e.id = n.claimed_by)
    LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'insert or update on table "enquiries" violates foreign key constraint "enquiries_claimed_by_employees_id_fk"',
      DETAIL = format('Key (claimed_by)=(%s) is not present in table "employees".', missing),
      TABLE = 'enquiries', COLUMN = 'claimed_by', CONSTRAINT = 'enquiries_claimed_by_employees_id_fk';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "enquiries_check_owner_insert" AFTER INSERT ON "enquiries"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiries_check_owner"();
--> statement-breakpoint
CREATE TRIGGER "enquiries_check_owner_update" AFTER UPDATE ON "enquiries"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "enquiries_check_owner"();
--> statement-breakpoint
-- Deleting employees who own enquiries is refused. The SHARE lock waits for every transaction
-- writing enquiries to end and keeps new writers waiting until this one ends; the query after it
-- then sees all they committed. It needs a fresh snapshot, so only READ COMMITTED may delete.
CREATE FUNCTION "employees_refuse_owner_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE object_not_in_prerequisite_state USING
      MESSAGE = 'employees can be deleted only at READ COMMITTED isolation';
  END IF;
  LOCK TABLE enquiries IN SHARE MODE;
  SELECT o.id INTO owner FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM enquiries e WHERE e.claimed_by = o.id)
    LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'update or delete on table "employees" violates foreign key constraint "enquiries_claimed_by_employees_id_fk" on table "enquiries"',
      DETAIL = format('Key (id)=(%s) is still referenced from table "enquiries".', owner),
      TABLE = 'enquiries', CONSTRAINT = 'enquiries_claimed_by_employees_id_fk';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "employees_refuse_owner_delete" AFTER DELETE ON "employees"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "employees_refuse_owner_delete"();
