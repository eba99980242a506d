CREATE SCHEMA "promotions";
--> statement-breakpoint
CREATE TABLE "promotions"."order_outcomes" (
	"order_id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"outcome" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotions"."outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"key" text NOT NULL,
	"headers" jsonb NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "promotions"."processed_events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
CREATE TABLE "promotions"."promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"kind" text NOT NULL,
	"percent_off" integer,
	"amount_off" bigint,
	"currency" text,
	"minimum_order" bigint,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"max_redemptions" integer DEFAULT 0 NOT NULL,
	"max_per_customer" integer DEFAULT 0 NOT NULL,
	"single_use" boolean DEFAULT false NOT NULL,
	"product_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"category" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotions_discount_check" CHECK (("promotions"."promotions"."kind" = 'percent' and "promotions"."promotions"."percent_off" between 1 and 100 and "promotions"."promotions"."amount_off" is null)
        or ("promotions"."promotions"."kind" = 'amount' and "promotions"."promotions"."amount_off" > 0 and "promotions"."promotions"."percent_off" is null and "promotions"."promotions"."currency" is not null)),
	CONSTRAINT "promotions_limits_check" CHECK ("promotions"."promotions"."max_redemptions" >= 0 and "promotions"."promotions"."max_per_customer" >= 0),
	CONSTRAINT "promotions_minimum_check" CHECK ("promotions"."promotions"."minimum_order" is null or "promotions"."promotions"."currency" is not null)
);
--> statement-breakpoint
CREATE TABLE "promotions"."redemptions" (
	"promotion_id" text NOT NULL,
	"order_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"discount" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "redemptions_promotion_id_order_id_pk" PRIMARY KEY("promotion_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "promotions"."redemptions" ADD CONSTRAINT "redemptions_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "promotions"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_code_unique" ON "promotions"."promotions" USING btree (upper("code"));--> statement-breakpoint
CREATE INDEX "redemptions_order_idx" ON "promotions"."redemptions" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "redemptions_customer_idx" ON "promotions"."redemptions" USING btree ("promotion_id","customer_id");