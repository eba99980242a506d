ALTER TABLE "redrive"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "redrive"."outbox" ADD COLUMN "trace_state" text;