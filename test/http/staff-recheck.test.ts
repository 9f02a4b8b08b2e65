// The periodic recheck closes the sockets whose token no longer names their staff member, and
// must not close a socket that connected while its question ran (it once did, with 4403, under load).
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/auth/tokens.js';
import { closeRevoked, REVOKED_REASON, type CheckedSocket } from '../../src/http/staff-recheck.js';
import { CLOSE_FORBIDDEN } from '../../src/realtime/connection.js';

const identity = (subject: string): Identity => ({ issuer: 'https://idp.test', subject, email: null, key: `https://idp.test|${subject}` });

function socket(staffId: string | undefined, subject = staffId ?? 'none') {
  const closes: Array<[number, string]> = [];
  const checked: CheckedSocket = {
    viewer: staffId ? { id: staffId } : undefined,
    identity: staffId ? identity(subject) : undefined,
    connection: { close: (code, reason) => closes.push([code, reason]), bufferedAmount: () => 0, track: () => () => {} },
  };
  return { checked, closes };
}

describe('closeRevoked', () => {
  it('closes, with 4403, the sockets whose identity names nobody or someone else now, asking once per identity', async () => {
    const active = socket('a');
    const gone = socket('b');
    const goneAgain = socket('b');
    const relinked = socket('c', 'sub-c'); // its subject now names another staff member
    const unauthenticated = socket(undefined);
    const asked: string[][] = [];
    const closed = await closeRevoked([active.checked, gone.checked, goneAgain.checked, relinked.checked, unauthenticated.checked], async (identities) => {
      asked.push(identities.map((i) => i.subject));
      return new Map([
        [identity('a').key, 'a'],
        [identity('b').key, null],
        [identity('sub-c').key, 'd'],
      ]);
    });
    expect(asked).toEqual([['a', 'b', 'sub-c']]);
    expect(closed).toBe(3);
    expect(active.closes).toEqual([]);
    expect(gone.closes).toEqual([[CLOSE_FORBIDDEN, REVOKED_REASON]]);
    expect(goneAgain.closes).toHaveLength(1);
    expect(relinked.closes).toHaveLength(1);
    expect(unauthenticated.closes).toEqual([]);
  });

  it('leaves alone a socket that connected while the question ran', async () => {
    const sockets = new Map<string, CheckedSocket>();
    const first = socket('a');
    sockets.set('first', first.checked);
    let answer!: (names: Map<string, string | null>) => void;
    const running = closeRevoked(sockets.values(), () => new Promise((resolve) => (answer = resolve)));
    const late = socket('c');
    sockets.set('late', late.checked);
    answer(new Map([[identity('a').key, 'a']]));
    expect(await running).toBe(0);
    expect(late.closes).toEqual([]);
  });

  it('asks nothing when no socket is authenticated', async () => {
    let asked = false;
    const closed = await closeRevoked([socket(undefined).checked], async () => {
      asked = true;
      return new Map();
    });
    expect([closed, asked]).toEqual([0, false]);
  });
});
