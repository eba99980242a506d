ALTER TABLE "promotions"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "promotions"."outbox" ADD COLUMN "trace_state" text;