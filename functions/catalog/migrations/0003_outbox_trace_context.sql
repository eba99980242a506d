ALTER TABLE "catalog"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "catalog"."outbox" ADD COLUMN "trace_state" text;