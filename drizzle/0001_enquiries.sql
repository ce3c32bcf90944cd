CREATE TYPE "public"."activity_type" AS ENUM('created', 'resubmitted', 'claimed', 'status_changed', 'note_added', 'released', 'assigned');--> statement-breakpoint
CREATE TYPE "public"."enquiry_priority" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."enquiry_source" AS ENUM('website', 'referral', 'social_media', 'email', 'phone', 'walk_in', 'event', 'advertisement', 'other');--> statement-breakpoint
CREATE TYPE "public"."enquiry_status" AS ENUM('unclaimed', 'claimed', 'contacted', 'converted', 'lost');--> statement-breakpoint
CREATE TABLE "activity" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"enquiry_id" char(24) NOT NULL,
	"type" "activity_type" NOT NULL,
	"actor_id" char(24),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enquiries" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"email" varchar(254) NOT NULL,
	"phone" varchar(40) NOT NULL,
	"phone_digits" varchar(40) GENERATED ALWAYS AS (regexp_replace(phone, '[^0-9]', '', 'g')) STORED NOT NULL,
	"course_interest" varchar(100) NOT NULL,
	"message" text,
	"status" "enquiry_status" DEFAULT 'unclaimed' NOT NULL,
	"source" "enquiry_source" DEFAULT 'website' NOT NULL,
	"priority" "enquiry_priority" DEFAULT 'medium' NOT NULL,
	"claimed_by" char(24),
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enquiries_owner_matches_status" CHECK (("enquiries"."status" = 'unclaimed') = ("enquiries"."claimed_by" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" char(24) PRIMARY KEY NOT NULL,
	"enquiry_id" char(24) NOT NULL,
	"text" varchar(2000) NOT NULL,
	"added_by" char(24),
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity" ADD CONSTRAINT "activity_enquiry_id_enquiries_id_fk" FOREIGN KEY ("enquiry_id") REFERENCES "public"."enquiries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity" ADD CONSTRAINT "activity_actor_id_employees_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiries" ADD CONSTRAINT "enquiries_claimed_by_employees_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_enquiry_id_enquiries_id_fk" FOREIGN KEY ("enquiry_id") REFERENCES "public"."enquiries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_added_by_employees_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_enquiry_idx" ON "activity" USING btree ("enquiry_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "enquiries_open_email_key" ON "enquiries" USING btree ("email") WHERE "enquiries"."status" IN ('unclaimed', 'claimed', 'contacted');--> statement-breakpoint
CREATE UNIQUE INDEX "enquiries_open_phone_key" ON "enquiries" USING btree ("phone_digits") WHERE "enquiries"."status" IN ('unclaimed', 'claimed', 'contacted');--> statement-breakpoint
CREATE INDEX "enquiries_pool_created_idx" ON "enquiries" USING btree ("created_at","id") WHERE "enquiries"."status" = 'unclaimed';--> statement-breakpoint
CREATE INDEX "enquiries_pool_priority_idx" ON "enquiries" USING btree ("priority" DESC NULLS FIRST,"created_at","id") WHERE "enquiries"."status" = 'unclaimed';--> statement-breakpoint
CREATE INDEX "enquiries_owner_idx" ON "enquiries" USING btree ("claimed_by","claimed_at","id");--> statement-breakpoint
CREATE INDEX "enquiries_created_idx" ON "enquiries" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "notes_enquiry_idx" ON "notes" USING btree ("enquiry_id","added_at");