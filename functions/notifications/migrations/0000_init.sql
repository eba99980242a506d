CREATE SCHEMA "notifications";
--> statement-breakpoint
CREATE TABLE "notifications"."emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_source" text NOT NULL,
	"event_id" text NOT NULL,
	"kind" text NOT NULL,
	"user_id" text NOT NULL,
	"recipient" text,
	"data" jsonb NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notifications"."outbox" (
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
CREATE TABLE "notifications"."processed_events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
CREATE TABLE "notifications"."users" (
	"user_id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "emails_event_idx" ON "notifications"."emails" USING btree ("event_source","event_id");--> statement-breakpoint
CREATE INDEX "emails_due_idx" ON "notifications"."emails" USING btree ("next_attempt_at") WHERE "notifications"."emails"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "emails_parked_idx" ON "notifications"."emails" USING btree ("user_id") WHERE "notifications"."emails"."state" = 'parked';--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "notifications"."outbox" USING btree ("seq") WHERE "notifications"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "notifications"."outbox" USING btree ("published_at") WHERE "notifications"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "notifications"."processed_events" USING btree ("processed_at");