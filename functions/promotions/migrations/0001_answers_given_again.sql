ALTER TABLE "promotions"."order_outcomes" ADD COLUMN "reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "promotions"."outbox" USING btree ("seq") WHERE "promotions"."outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_at_idx" ON "promotions"."outbox" USING btree ("published_at") WHERE "promotions"."outbox"."published_at" is not null;--> statement-breakpoint
CREATE INDEX "processed_events_processed_at_idx" ON "promotions"."processed_events" USING btree ("processed_at");