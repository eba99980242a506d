CREATE SCHEMA "audit";
--> statement-breakpoint
CREATE TABLE "audit"."entries" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_email" text DEFAULT '' NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"before" text DEFAULT '' NOT NULL,
	"after" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit"."outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"key" text NOT NULL,
	"headers" jsonb NOT NULL,
	"data" "bytea" NOT NULL,
	"trace_parent" text,
	"trace_state" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "audit"."processed_events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
CREATE INDEX "entries_at_id_idx" ON "audit"."entries" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "entries_actor_at_idx" ON "audit"."entries" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "entries_action_at_idx" ON "audit"."entries" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "entries_target_at_idx" ON "audit"."entries" USING btree ("target","at");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "audit"."outbox" USING btree ("seq") WHERE "audit"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "audit"."outbox" USING btree ("published_at") WHERE "audit"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "audit"."processed_events" USING btree ("processed_at");