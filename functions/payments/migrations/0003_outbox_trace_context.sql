ALTER TABLE "payments"."outbox" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "payments"."outbox" ADD COLUMN "trace_state" text;