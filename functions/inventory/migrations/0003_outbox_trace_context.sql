ALTER TABLE "inventory"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "inventory"."outbox" ADD COLUMN "trace_state" text;