-- The audit log is append-only: no UPDATE, DELETE or TRUNCATE of an entry, whoever asks (the function's
-- own role included), so a record of what an admin did cannot be edited away by the same means.
CREATE FUNCTION "audit"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % of an entry is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "entries_append_only" BEFORE UPDATE OR DELETE ON "audit"."entries"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "entries_no_truncate" BEFORE TRUNCATE ON "audit"."entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_change"();
