CREATE TABLE "inventory"."answered_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"customer_id" text NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT '' NOT NULL,
	"payment_token" text,
	"reason" text DEFAULT '' NOT NULL,
	"product_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "answered_orders_outcome_known" CHECK ("inventory"."answered_orders"."outcome" in ('reserved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "inventory"."stock" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;