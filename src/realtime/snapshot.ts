// pg_current_snapshot() as text is "xmin:xmax:xip1,xip2,...": transaction ids (64-bit, epoch
// included) below xmin are finished, at or above xmax had not started, and the xip list holds
// those in between that were still running when the snapshot was taken.

export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  running: ReadonlySet<bigint>;
}

export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip = ''] = text.split(':');
  if (xmin === undefined || xmax === undefined) throw new Error(`Not a pg_snapshot: ${text}`);
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    running: new Set(xip.split(',').filter(Boolean).map((x) => BigInt(x))),
  };
}

/** Whether transaction `xid`, seen running in an earlier snapshot, has finished by `now`. */
export function finishedBy(xid: bigint, now: Snapshot): boolean {
  return xid < now.xmin || !now.running.has(xid);
}
