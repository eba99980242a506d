ALTER TABLE "promotions"."order_outcomes" ADD COLUMN "claimed_by_source" text;--> statement-breakpoint
ALTER TABLE "promotions"."order_outcomes" ADD COLUMN "claimed_by_id" text;