-- The identity provider's issuer and subject (`iss`, `sub`) of a staff member's tokens
-- (src/auth/identity.ts): set by an administrator (linkStaffIdentity, npm run admin:create
-- --subject) or at the first sign-in whose verified email matched (JWT_MATCH_EMAIL). Both or
-- neither; one staff member per pair. The CHECK was added by hand (Prisma does not model it).

-- AlterTable
ALTER TABLE "StaffMember" ADD COLUMN     "externalIssuer" TEXT,
ADD COLUMN     "externalSubject" TEXT;

ALTER TABLE "StaffMember" ADD CONSTRAINT "StaffMember_external_identity_check"
  CHECK (("externalIssuer" IS NULL) = ("externalSubject" IS NULL) AND "externalIssuer" <> '' AND "externalSubject" <> '');

-- CreateIndex
CREATE UNIQUE INDEX "StaffMember_externalIssuer_externalSubject_key" ON "StaffMember"("externalIssuer", "externalSubject");

-- Added by hand: a staff row that now carries an external identity it did not carry before is
-- announced as '<staff id>:<transaction id>:link' besides the usual '<staff id>:<transaction id>'
-- (migration staff_change_notify), so that the viewer cache also drops the tokens it resolved
-- another way (a staff id as `sub`) or to nobody, which that identity may now name.
CREATE OR REPLACE FUNCTION casegraph_notify_staff_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  xid text := pg_current_xact_id()::text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('casegraph_staff', '*:' || xid);
  ELSIF TG_TABLE_NAME = 'StaffMember' THEN
    -- First, so that whoever awaits the row's next notice finds the link already taken into account.
    IF TG_OP = 'INSERT' AND NEW."externalSubject" IS NOT NULL THEN
      PERFORM pg_notify('casegraph_staff', NEW."id"::text || ':' || xid || ':link');
    ELSIF TG_OP = 'UPDATE' AND NEW."externalSubject" IS NOT NULL
        AND (OLD."externalIssuer", OLD."externalSubject") IS DISTINCT FROM (NEW."externalIssuer", NEW."externalSubject") THEN
      PERFORM pg_notify('casegraph_staff', NEW."id"::text || ':' || xid || ':link');
    END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."id"::text || ':' || xid); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."id"::text || ':' || xid); END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('casegraph_staff', OLD."staffId"::text || ':' || xid); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('casegraph_staff', NEW."staffId"::text || ':' || xid); END IF;
  END IF;
  RETURN NULL;
END
$$;
