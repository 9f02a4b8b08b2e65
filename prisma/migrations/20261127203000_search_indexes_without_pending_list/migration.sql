-- Client search reads its trigram GIN indexes on every request, and clients are written far less
-- often than searched. With GIN's default fastupdate, new entries wait in a pending list that
-- every search scans whole until a vacuum merges it: after a bulk load (the seed, an import)
-- that list held all 100,000 preferred names and a search cost 17 ms of PostgreSQL instead of
-- about 2. Entries now go straight into the index, and what is pending is merged here.
ALTER INDEX "Client_givenName_trgm_idx" SET (fastupdate = off);
ALTER INDEX "Client_familyName_trgm_idx" SET (fastupdate = off);
ALTER INDEX "Client_preferredName_trgm_idx" SET (fastupdate = off);
ALTER INDEX "ClientIdentifier_value_trgm_idx" SET (fastupdate = off);
SELECT gin_clean_pending_list('"Client_givenName_trgm_idx"'::regclass);
SELECT gin_clean_pending_list('"Client_familyName_trgm_idx"'::regclass);
SELECT gin_clean_pending_list('"Client_preferredName_trgm_idx"'::regclass);
SELECT gin_clean_pending_list('"ClientIdentifier_value_trgm_idx"'::regclass);
