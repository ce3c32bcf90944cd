-- Every instance keeps a short cache of the employees behind recent requests; any change to an
-- employee (deactivation, role, password and so token version) tells them all to drop it.
CREATE FUNCTION "employees_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('crm_employee_changed', OLD.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "employees_notify_change" AFTER UPDATE OR DELETE ON "employees"
  FOR EACH ROW EXECUTE FUNCTION "employees_notify_change"();
