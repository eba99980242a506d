CREATE SCHEMA "redrive";
--> statement-breakpoint
CREATE TABLE "redrive"."dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_source" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"destination" text NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"error_code" integer,
	"reason" text NOT NULL,
	"last_error" text,
	"attributes" jsonb NOT NULL,
	"data" "bytea" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"give_up_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "redrive"."outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"key" text NOT NULL,
	"headers" jsonb NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "redrive"."processed_events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_event_destination_idx" ON "redrive"."dead_letters" USING btree ("event_source","event_id","destination");--> statement-breakpoint
CREATE INDEX "dead_letters_due_idx" ON "redrive"."dead_letters" USING btree ("next_attempt_at") WHERE "redrive"."dead_letters"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "dead_letters_resolved_idx" ON "redrive"."dead_letters" USING btree ("resolved_at") WHERE "redrive"."dead_letters"."state" <> 'waiting';--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "redrive"."outbox" USING btree ("seq") WHERE "redrive"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "redrive"."outbox" USING btree ("published_at") WHERE "redrive"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "redrive"."processed_events" USING btree ("processed_at");