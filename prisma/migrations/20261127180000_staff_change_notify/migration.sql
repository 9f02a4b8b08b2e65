-- Announce every committed change to a staff member or a team membership on the channel
-- casegraph_staff (payload: the staff id; '*' when a table is emptied), so that each instance
-- drops its cached viewer at once (src/auth/viewer-cache.ts). NOTIFY is delivered on commit only.
CREATE OR REPLACE FUNCTION casegraph_notify_staff_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('casegraph_staff', '*');
  ELSIF TG_TABLE_NAME = 'StaffMember' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."id"::text); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."id"::text); END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."staffId"::text); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."staffId"::text); END IF;
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
