-- Each instance caches the active routing rules and the team's settings (read on every submission
-- and claim); a change to either tells them all to read them afresh. The payload names the table.
-- A routing's move of a rule's rotation pointer (last_assigned_id) changes no rule: not notified.
CREATE FUNCTION "notify_config_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('crm_config_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "routing_rules_notify_change"
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "name", "position", "active", "match", "strategy", "counselor_ids"
  ON "routing_rules" FOR EACH STATEMENT EXECUTE FUNCTION "notify_config_change"();
--> statement-breakpoint
CREATE TRIGGER "app_settings_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "app_settings"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_config_change"();
