ALTER TABLE "orders"."orders" ADD COLUMN "trace_parent" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "trace_state" text;