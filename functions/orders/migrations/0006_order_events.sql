CREATE TABLE "orders"."order_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"event_source" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"direction" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "order_events_source_id_idx" ON "orders"."order_events" USING btree ("event_source","event_id");--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "orders"."order_events" USING btree ("order_id","event_time");