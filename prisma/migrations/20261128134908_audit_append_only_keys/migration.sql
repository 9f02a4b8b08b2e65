-- Audit rows arrive by the thousand and are never updated; their keys should arrive in order.
--
-- Ids become time-ordered UUIDs (version 7: 48 bits of Unix milliseconds, then random bits), made
-- by the INSERTs of src/audit/store.ts and src/auth/identity.ts with this function (PostgreSQL 18
-- has uuidv7(); 15 does not). The primary key then grows at its right edge, where a random id
-- touched a random page of an index larger than memory.
--
-- The index by entity goes: no query of the API looks an entity up, and its random keys were the
-- costliest part of each INSERT. Measured with pgbench over a 3,000,000-row table (1.3 GB, with
-- 128 MB of shared buffers), 258-row INSERTs as a caseload dashboard writes: 170-176 a second
-- with random ids and all indexes, 205-224 with ordered ids, 338 without the entity index too.
CREATE FUNCTION casegraph_uuid_v7() RETURNS uuid
  LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$
    SELECT encode(
      set_bit(set_bit(
        overlay(uuid_send(gen_random_uuid())
                PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1), 53, 1),
      'hex')::uuid
  $$;

-- DropIndex
DROP INDEX "AuditEvent_entityType_entityId_idx";
