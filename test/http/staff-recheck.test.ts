// The periodic recheck that closes the sockets of deactivated staff members must not close a
// socket that connected while its query ran (it once did, with 4403, under load).
import { describe, expect, it } from 'vitest';
import { closeDeactivated, type CheckedSocket } from '../../src/http/staff-recheck.js';
import { CLOSE_FORBIDDEN } from '../../src/realtime/connection.js';

function socket(staffId: string | undefined) {
  const closes: Array<[number, string]> = [];
  const checked: CheckedSocket = {
    viewer: staffId ? { id: staffId } : undefined,
    connection: { close: (code, reason) => closes.push([code, reason]), bufferedAmount: () => 0, track: () => () => {} },
  };
  return { checked, closes };
}

describe('closeDeactivated', () => {
  it('closes the sockets of staff members no longer active, with 4403, and asks about each staff member once', async () => {
    const active = socket('a');
    const gone = socket('b');
    const goneAgain = socket('b');
    const unauthenticated = socket(undefined);
    const asked: string[][] = [];
    const closed = await closeDeactivated([active.checked, gone.checked, goneAgain.checked, unauthenticated.checked], async (ids) => {
      asked.push(ids);
      return new Set(['a']);
    });
    expect(asked).toEqual([['a', 'b']]);
    expect(closed).toBe(2);
    expect(active.closes).toEqual([]);
    expect(gone.closes).toEqual([[CLOSE_FORBIDDEN, 'The staff member is no longer active']]);
    expect(goneAgain.closes).toHaveLength(1);
    expect(unauthenticated.closes).toEqual([]);
  });

  it('leaves alone a socket that connected while the query ran', async () => {
    const sockets = new Map<string, CheckedSocket>();
    const first = socket('a');
    sockets.set('first', first.checked);
    let answer!: (active: Set<string>) => void;
    const running = closeDeactivated(sockets.values(), () => new Promise((resolve) => (answer = resolve)));
    const late = socket('c');
    sockets.set('late', late.checked);
    answer(new Set(['a']));
    expect(await running).toBe(0);
    expect(late.closes).toEqual([]);
  });

  it('asks nothing when no socket is authenticated', async () => {
    let asked = false;
    const closed = await closeDeactivated([socket(undefined).checked], async () => {
      asked = true;
      return new Set();
    });
    expect([closed, asked]).toEqual([0, false]);
  });
});
