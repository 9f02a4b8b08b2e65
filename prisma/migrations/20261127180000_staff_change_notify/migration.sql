-- Announce every committed change to a staff member or a team membership on the channel
-- casegraph_staff, as '<staff id>:<transaction id>' ('*:<transaction id>' when a table is
-- emptied), so that each instance drops the viewers it cached before that transaction
-- (src/auth/viewer-cache.ts). NOTIFY is delivered on commit only.
CREATE OR REPLACE FUNCTION casegraph_notify_staff_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  xid text := pg_current_xact_id()::text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('casegraph_staff', '*:' || xid);
  ELSIF TG_TABLE_NAME = 'StaffMember' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."id"::text || ':' || xid); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."id"::text || ':' || xid); END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."staffId"::text || ':' || xid); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."staffId"::text || ':' || xid); END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "StaffMember_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "StaffMember"
  FOR EACH ROW EXECUTE FUNCTION casegraph_notify_staff_change();
CREATE TRIGGER "StaffMember_notify_truncate" AFTER TRUNCATE ON "StaffMember"
  FOR EACH STATEMENT EXECUTE FUNCTION casegraph_notify_staff_change();
CREATE TRIGGER "TeamMembership_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "TeamMembership"
  FOR EACH ROW EXECUTE FUNCTION casegraph_notify_staff_change();
CREATE TRIGGER "TeamMembership_notify_truncate" AFTER TRUNCATE ON "TeamMembership"
  FOR EACH STATEMENT EXECUTE FUNCTION casegraph_notify_staff_change();
