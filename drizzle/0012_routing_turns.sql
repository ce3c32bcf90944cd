-- A round-robin rule counts its turns with a sequence of its own, routing_turns_<rule id>: each
-- routing takes the next number without waiting for any other routing's transaction (a row lock
-- on the rule would be held until commit, so routings through one rule would run one at a time),
-- and turn n goes to the (n mod k)-th of the rule's k eligible counselors. A number taken by a
-- routing that then rolls back is skipped. The sequence comes and goes with its rule.
CREATE FUNCTION "routing_rule_turns"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS bigint MINVALUE 0 START 0', 'routing_turns_' || NEW.id);
    RETURN NULL;
  END IF;
  EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'routing_turns_' || OLD.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "routing_rules_turns" AFTER INSERT OR DELETE ON "routing_rules"
  FOR EACH ROW EXECUTE FUNCTION "routing_rule_turns"();
--> statement-breakpoint
-- Rules that exist already continue after the counselor their pointer names.
DO $$
DECLARE
  rule record;
BEGIN
  FOR rule IN SELECT id, counselor_ids, last_assigned_id FROM routing_rules LOOP
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS bigint MINVALUE 0 START %s',
      'routing_turns_' || rule.id,
      coalesce(array_position(rule.counselor_ids, rule.last_assigned_id), 0));
  END LOOP;
END
$$;
