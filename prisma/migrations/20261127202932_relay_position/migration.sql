-- CreateTable
CREATE TABLE "RelayPosition" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "announced" BIGINT NOT NULL,
    "published" BIGINT NOT NULL,
    "epoch" UUID NOT NULL DEFAULT gen_random_uuid(),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RelayPosition_pkey" PRIMARY KEY ("id")
);
