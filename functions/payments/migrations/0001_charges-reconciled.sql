ALTER TABLE "payments"."payments" DROP CONSTRAINT "payments_status_known";--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "charge_key" text;--> statement-breakpoint
-- Hand-written: payments before this migration sent the order id itself as the idempotency key, so a
-- status query or a retry of such a charge must name it by that key.
UPDATE "payments"."payments" SET "charge_key" = "order_id";--> statement-breakpoint
ALTER TABLE "payments"."payments" ALTER COLUMN "charge_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "charged_after_cancellation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Hand-written: a `charging` row had a charge attempt whose answer did not come: its outcome is unknown
-- (never "nothing was charged"), so the reconciler asks the provider.
UPDATE "payments"."payments" SET "status" = 'unknown' WHERE "status" = 'charging';--> statement-breakpoint
CREATE INDEX "payments_unresolved" ON "payments"."payments" USING btree ("updated_at") WHERE "payments"."payments"."status" in ('unknown', 'refunding');--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "attempts";--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD CONSTRAINT "payments_status_known" CHECK ("payments"."payments"."status" in ('unknown', 'succeeded', 'failed', 'refunding', 'refunded'));
