-- Every event orders emits about an order (OrderPlaced and its re-asks, OrderConfirmed, OrderCancelled)
-- joins the order's history in the transaction that emits it, whichever verb, RPC or reconciler wrote it:
-- the outbox row is the event (its id, type, key = the order id, and ce_* headers).
CREATE FUNCTION "orders"."record_emitted_order_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "orders"."order_events" ("order_id", "event_id", "event_type", "event_source", "event_time", "direction")
  VALUES (NEW."key", NEW."id", NEW."type", COALESCE(NEW."headers"->>'ce_source', '/functions/orders'),
    COALESCE((NEW."headers"->>'ce_time')::timestamptz, now()), 'emitted')
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "outbox_records_order_events" AFTER INSERT ON "orders"."outbox"
  FOR EACH ROW WHEN (NEW."type" LIKE 'shop.orders.v1.%')
  EXECUTE FUNCTION "orders"."record_emitted_order_event"();
