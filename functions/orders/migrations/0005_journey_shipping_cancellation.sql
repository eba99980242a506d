CREATE TABLE "orders"."shipping_options" (
	"option_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"countries" jsonb NOT NULL,
	"active" boolean NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cart_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipping" jsonb;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipping_price_minor" bigint;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipping_charged_minor" bigint;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cancelled_by" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cancelled_by_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipment" jsonb;