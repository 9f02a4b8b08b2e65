// "Now" for the filters of a read: access windows (break-glass grants, consents) and overdue
// conditions. Prisma caches query plans by shape, and its parameterization gives equal values
// one placeholder: two `new Date()` in one query were equal or not depending on whether a
// millisecond passed between them, so one query had many shapes and was compiled again and
// again (25–130 ms of CPU each, measured on a client's chart). On a 100 ms grid, the filters of
// a request share one instant (but across a grid line). Rounded up, never down: an expired
// grant is never honoured; a consent or a due date within the next 100 ms counts as reached.
const GRID_MS = 100;

export function filterTime(): Date {
  return new Date(Math.ceil(Date.now() / GRID_MS) * GRID_MS);
}
