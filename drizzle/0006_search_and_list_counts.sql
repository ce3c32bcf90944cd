-- Substring search uses trigram indexes (pg_trgm, a trusted extension: the database owner may
-- create it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm). enquiry_status_counts
-- gives way to the pool's and the owners' counts in 0007, which fills them and drops it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "enquiry_owner_counts" (
	"claimed_by" char(24) NOT NULL,
	"status" "enquiry_status" NOT NULL,
	"shard" smallint NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "enquiry_owner_counts_claimed_by_status_shard_pk" PRIMARY KEY("claimed_by","status","shard")
);
--> statement-breakpoint
CREATE TABLE "enquiry_pool_counts" (
	"course_interest" varchar(100) NOT NULL,
	"priority" "enquiry_priority" NOT NULL,
	"source" "enquiry_source" NOT NULL,
	"shard" smallint NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "enquiry_pool_counts_course_interest_priority_source_shard_pk" PRIMARY KEY("course_interest","priority","source","shard")
);
--> statement-breakpoint
DROP INDEX "enquiries_pool_created_idx";--> statement-breakpoint
DROP INDEX "enquiries_pool_priority_idx";--> statement-breakpoint
CREATE INDEX "enquiries_pool_search_idx" ON "enquiries" USING gin (lower("name" || E'\n' || "email" || E'\n' || "phone") gin_trgm_ops) WHERE "enquiries"."status" = 'unclaimed';--> statement-breakpoint
CREATE INDEX "enquiries_worked_search_idx" ON "enquiries" USING gin (lower("name" || E'\n' || "email" || E'\n' || "phone") gin_trgm_ops) WHERE "enquiries"."status" <> 'unclaimed';--> statement-breakpoint
CREATE INDEX "enquiries_pool_created_idx" ON "enquiries" USING btree ("created_at","id","priority","source","course_interest") WHERE "enquiries"."status" = 'unclaimed';--> statement-breakpoint
CREATE INDEX "enquiries_pool_priority_idx" ON "enquiries" USING btree ("priority" DESC NULLS FIRST,"created_at","id","source","course_interest") WHERE "enquiries"."status" = 'unclaimed';