-- Client search (src/services/clients/search.ts): trigram GIN indexes serve ILIKE '%fragment%' on the
-- names and ILIKE 'value' / 'prefix%' on identifier values. pg_trgm is a trusted extension (PostgreSQL 13+):
-- the database owner may create it. The CREATE EXTENSION line was added by hand to the generated
-- migration: see the note above the datasource in schema.prisma.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Client_givenName_trgm_idx" ON "Client" USING GIN ("givenName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Client_familyName_trgm_idx" ON "Client" USING GIN ("familyName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Client_preferredName_trgm_idx" ON "Client" USING GIN ("preferredName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ClientIdentifier_value_trgm_idx" ON "ClientIdentifier" USING GIN ("value" gin_trgm_ops);
