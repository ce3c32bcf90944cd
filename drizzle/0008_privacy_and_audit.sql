-- Privacy (modules/privacy) and the audit log (modules/audit): consent records from the public
-- form, erased enquiries (erased_at; they hold a marker instead of a person, so the one-open-lead
-- indexes leave them out), the `erased` activity type, and the append-only audit log. The open
-- lead indexes are dropped and created again inside the migration's transaction, which holds the
-- table's lock throughout: no duplicate can slip in between.
ALTER TYPE "public"."activity_type" ADD VALUE 'erased';--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"action" varchar(64) NOT NULL,
	"actor_id" char(24),
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"enquiry_id" char(24) NOT NULL,
	"privacy_notice" boolean NOT NULL,
	"marketing" boolean NOT NULL,
	"notice_version" varchar(50),
	"given_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "enquiries_open_email_key";--> statement-breakpoint
DROP INDEX "enquiries_open_phone_key";--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "erased_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_employees_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_enquiry_id_enquiries_id_fk" FOREIGN KEY ("enquiry_id") REFERENCES "public"."enquiries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "consents_enquiry_idx" ON "consents" USING btree ("enquiry_id","given_at");--> statement-breakpoint
CREATE UNIQUE INDEX "enquiries_open_email_key" ON "enquiries" USING btree ("email") WHERE "enquiries"."status" IN ('unclaimed', 'claimed', 'contacted') AND "enquiries"."erased_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "enquiries_open_phone_key" ON "enquiries" USING btree ("phone_digits") WHERE "enquiries"."status" IN ('unclaimed', 'claimed', 'contacted') AND "enquiries"."erased_at" IS NULL;
--> statement-breakpoint
-- The audit log is append-only: no route changes an entry, and nobody going round the API does
-- either (the table's owner can still drop this trigger on purpose, which is itself visible).
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log entries cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
