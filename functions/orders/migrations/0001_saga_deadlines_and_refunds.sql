ALTER TABLE "orders"."orders" ADD COLUMN "payment_token" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "deadline_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "give_up_at" timestamp with time zone DEFAULT now() + interval '10 minutes' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "refund" jsonb;--> statement-breakpoint
CREATE INDEX "orders_open_deadline" ON "orders"."orders" USING btree ("deadline_at") WHERE "orders"."orders"."status" in ('PENDING', 'PRICED', 'RESERVED');--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "orders"."outbox" USING btree ("seq") WHERE "orders"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "orders"."outbox" USING btree ("published_at") WHERE "orders"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "orders"."processed_events" USING btree ("processed_at");