-- AlterTable
ALTER TABLE "CarePlan" ADD COLUMN     "overdueAnnouncedFor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "overdueAnnouncedFor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN     "overdueAnnouncedFor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "overdueAnnouncedFor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "overdueAnnouncedFor" TIMESTAMP(3);

-- What is already overdue when this ships is old news (the workQueue query lists it): mark it
-- announced, so the first sweep does not flood the live feeds with it. (Cases: with the
-- default NO_CONTACT_DAYS of 30.)
UPDATE "Case" SET "overdueAnnouncedFor" = COALESCE("lastContactAt", "openedAt") + interval '30 days'
 WHERE status NOT IN ('CLOSED', 'ON_HOLD')
   AND COALESCE("lastContactAt", "openedAt") + interval '30 days' <= now() AT TIME ZONE 'UTC';
UPDATE "Referral" SET "overdueAnnouncedFor" = "expectedResponseBy"
 WHERE status = 'SENT' AND "expectedResponseBy" <= now() AT TIME ZONE 'UTC';
UPDATE "FollowUp" SET "overdueAnnouncedFor" = "scheduledFor"
 WHERE status = 'SCHEDULED' AND "scheduledFor" <= now() AT TIME ZONE 'UTC';
UPDATE "CarePlan" SET "overdueAnnouncedFor" = "nextReviewDue"
 WHERE status = 'ACTIVE' AND "nextReviewDue" <= now() AT TIME ZONE 'UTC';
UPDATE "Task" SET "overdueAnnouncedFor" = "dueAt"
 WHERE status IN ('REQUESTED', 'ACCEPTED', 'IN_PROGRESS') AND "dueAt" <= now() AT TIME ZONE 'UTC';
