// Optimistic concurrency: an update names the version it read; if the row moved on, the
// caller gets a typed StaleVersion and nothing changes.
import { StaleVersionError } from '../../errors.js';
import { Prisma } from '../../db.js';

export function checkVersion(entity: string, row: { id: string; version: number }, expectedVersion: number | null | undefined): void {
  if (expectedVersion != null && row.version !== expectedVersion) {
    throw new StaleVersionError(entity, row.id, expectedVersion, row.version);
  }
}

/**
 * Runs `update` with a where clause pinned to the version that was read, so that a
 * concurrent writer between our read and our write is detected too. `update` must bump
 * `version: { increment: 1 }`.
 */
export async function updateVersioned<T>(
  entity: string,
  row: { id: string; version: number },
  expectedVersion: number | null | undefined,
  update: (where: { id: string; version: number }) => Promise<T>,
): Promise<T> {
  checkVersion(entity, row, expectedVersion);
  try {
    return await update({ id: row.id, version: row.version });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
      throw new StaleVersionError(entity, row.id, expectedVersion ?? row.version, row.version + 1);
    }
    throw error;
  }
}
