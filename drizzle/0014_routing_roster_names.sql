-- A cached roster also carries its counselors' names and emails, which a routing's `assigned` entry
-- records without reading employees: renaming one, or changing their email, moves the version too,
-- so that a roster naming them otherwise routes nothing.
DROP TRIGGER "employees_routing_roster" ON "employees";
--> statement-breakpoint
CREATE TRIGGER "employees_routing_roster" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "is_active", "available", "role", "max_open_leads", "name", "email"
  ON "employees" FOR EACH STATEMENT EXECUTE FUNCTION "routing_roster_changed"();
