CREATE TYPE "public"."routing_strategy" AS ENUM('round_robin', 'least_loaded', 'pool');--> statement-breakpoint
ALTER TYPE "public"."activity_type" ADD VALUE 'left_in_pool';--> statement-breakpoint
ALTER TYPE "public"."activity_type" ADD VALUE 'sla_warning';--> statement-breakpoint
ALTER TYPE "public"."activity_type" ADD VALUE 'sla_breached';--> statement-breakpoint
ALTER TYPE "public"."activity_type" ADD VALUE 'follow_up_set';--> statement-breakpoint
ALTER TYPE "public"."activity_type" ADD VALUE 'follow_up_due';--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"position" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"match" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"strategy" "routing_strategy" NOT NULL,
	"counselor_ids" char(24)[] DEFAULT '{}' NOT NULL,
	"last_assigned_id" char(24),
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"key" varchar(50) PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "available" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "max_open_leads" integer;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "first_contact_due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "first_contact_warn_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "first_contacted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "first_contact_breached_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "follow_up_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "enquiries" ADD COLUMN "follow_up_note" varchar(500);--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_last_assigned_id_employees_id_fk" FOREIGN KEY ("last_assigned_id") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "routing_rules_position_idx" ON "routing_rules" USING btree ("position","id");--> statement-breakpoint
CREATE INDEX "enquiries_follow_up_idx" ON "enquiries" USING btree ("claimed_by","follow_up_at","id") WHERE "enquiries"."follow_up_at" IS NOT NULL;