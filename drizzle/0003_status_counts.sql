CREATE TABLE "enquiry_status_counts" (
	"status" "enquiry_status" NOT NULL,
	"shard" smallint NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "enquiry_status_counts_status_shard_pk" PRIMARY KEY("status","shard")
);
