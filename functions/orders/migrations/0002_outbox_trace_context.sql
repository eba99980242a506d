ALTER TABLE "orders"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "orders"."outbox" ADD COLUMN "trace_state" text;