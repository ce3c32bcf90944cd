CREATE TABLE "routing_roster_version" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "routing_roster_version_one_row" CHECK ("routing_roster_version"."id" = 1)
);
--> statement-breakpoint
-- A submission routed round-robin from an instance's cached roster (the rule's eligible counselors,
-- in its order) goes ahead only while this version is the one the roster was read with: a change
-- to anyone's eligibility or to a rule moves it on in the change's own transaction, so a stale
-- roster never routes, on any instance, whether or not its notification has arrived.
INSERT INTO "routing_roster_version" ("id", "version") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION "routing_roster_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE routing_roster_version SET version = version + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "employees_routing_roster" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "is_active", "available", "role", "max_open_leads"
  ON "employees" FOR EACH STATEMENT EXECUTE FUNCTION "routing_roster_changed"();
--> statement-breakpoint
CREATE TRIGGER "routing_rules_routing_roster" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "name", "active", "strategy", "counselor_ids"
  ON "routing_rules" FOR EACH STATEMENT EXECUTE FUNCTION "routing_roster_changed"();
