// Answers to one referral that race each other: optimistic versions decide, whatever the timing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { ReferralStatus } from '../../src/generated/prisma/enums.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { globalId } from '../support/factories.js';
import { waitFor } from '../support/realtime.js';
import { referralSetting, seedReferral } from '../support/referrals.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('referral_answers');
});
afterAll(() => t?.stop());

const UPDATE = `mutation($input: UpdateReferralStatusInput!) {
  updateReferralStatus(input: $input) {
    __typename
    ... on Referral { status version }
    ... on InvalidTransition { from to }
    ... on StaleVersion { expectedVersion currentVersion }
  }
}`;

describe('concurrent answers', () => {
  it('lets exactly one of simultaneous answers win; the others are told why and change nothing', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'SENT' });
    const referralId = globalId('Referral', referral.id);
    // Answers sent one after another would each apply to the state before them (SENT ->
    // ACCEPTED -> CANCELLED is a valid history). To make them simultaneous, a second session
    // holds the row until all four have read version 1 and wait to write it.
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Referral" WHERE id = $1 FOR UPDATE', [referral.id]);
      const answers = (['ACCEPTED', 'DECLINED', 'ACCEPTED', 'CANCELLED'] as const).map((status) =>
        t.gql(UPDATE, { input: { referralId, status } }, { token: w.token }),
      );
      await waitFor(async () => {
        // pg_stat_activity is read once per transaction unless the snapshot is cleared.
        await holder.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        return rows[0].n === 4;
      }, { what: 'all four answers waiting to write' });
      await holder.query('COMMIT');
      const outcomes = (await Promise.all(answers)).map((r: any) => expectData<any>(r).updateReferralStatus);
      const winners = outcomes.filter((o) => o.__typename === 'Referral');
      expect(winners).toHaveLength(1);
      const losers = outcomes.filter((o) => o.__typename !== 'Referral');
      expect(losers).toEqual(losers.map(() => expect.objectContaining({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 })));
      const stored = await prisma.referral.findUniqueOrThrow({ where: { id: referral.id }, include: { events: true } });
      expect(stored).toMatchObject({ status: winners[0].status, version: 2 });
      expect(stored.events).toHaveLength(1);
    } finally {
      await holder.end();
    }
  });

  it('applies answers sent one after another each to the state before it', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'SENT' });
    const referralId = globalId('Referral', referral.id);
    const answer = async (status: ReferralStatus) => expectData<any>(await t.gql(UPDATE, { input: { referralId, status } }, { token: w.token })).updateReferralStatus;
    expect(await answer('ACCEPTED')).toMatchObject({ __typename: 'Referral', status: 'ACCEPTED', version: 2 });
    expect(await answer('DECLINED')).toMatchObject({ __typename: 'InvalidTransition', from: 'ACCEPTED', to: 'DECLINED' });
    expect(await answer('CANCELLED')).toMatchObject({ __typename: 'Referral', status: 'CANCELLED', version: 3 });
  });
});
