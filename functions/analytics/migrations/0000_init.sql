CREATE SCHEMA "analytics";
--> statement-breakpoint
CREATE TABLE "analytics"."order_facts" (
	"order_id" text PRIMARY KEY NOT NULL,
	"customer_id" text DEFAULT '' NOT NULL,
	"currency" text,
	"placed_at" timestamp with time zone,
	"coupon_code" text DEFAULT '' NOT NULL,
	"subtotal_minor" bigint,
	"discount_minor" bigint,
	"priced_total_minor" bigint,
	"confirmed_total_minor" bigint,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lines_from" integer DEFAULT 0 NOT NULL,
	"confirmed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancel_cause" integer,
	"was_confirmed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."outbox" (
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
CREATE TABLE "analytics"."processed_events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
CREATE INDEX "order_facts_placed_idx" ON "analytics"."order_facts" USING btree ("placed_at");--> statement-breakpoint
CREATE INDEX "order_facts_confirmed_idx" ON "analytics"."order_facts" USING btree ("confirmed_at");--> statement-breakpoint
CREATE INDEX "order_facts_cancelled_idx" ON "analytics"."order_facts" USING btree ("cancelled_at");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "analytics"."outbox" USING btree ("seq") WHERE "analytics"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "analytics"."outbox" USING btree ("published_at") WHERE "analytics"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "analytics"."processed_events" USING btree ("processed_at");