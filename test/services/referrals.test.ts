import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { InvalidTransitionError } from '../../src/errors.js';
import type { ReferralStatus, ReferralUrgency } from '../../src/generated/prisma/enums.js';
import { referralMachine } from '../../src/services/workflow/machines/referral.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createProvider, globalId } from '../support/factories.js';
import { domainCounts, eventsSince, lastEventId, outsider, referralSetting, seedConsent, seedReferral } from '../support/referrals.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('referrals');
});
afterAll(() => t?.stop());

const STATUSES: ReferralStatus[] = ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW'];

// The agreed table, written out: a change to the machine must be a deliberate change here too.
const TABLE: Record<ReferralStatus, ReferralStatus[]> = {
  DRAFT: ['SENT', 'CANCELLED'],
  SENT: ['ACCEPTED', 'DECLINED', 'CANCELLED'],
  ACCEPTED: ['SCHEDULED', 'IN_PROGRESS', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'NO_SHOW', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  NO_SHOW: ['SCHEDULED', 'CANCELLED'],
  DECLINED: [],
  COMPLETED: [],
  CANCELLED: [],
};

const PAIRS = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));
const soon = () => new Date(Date.now() + 3 * 86_400_000).toISOString();

const FIELDS = `__typename
  ... on Referral { id status version urgency reason sentAt expectedResponseBy acceptedAt declinedAt appointmentAt completedAt
    estimatedCost outcomeNote sharedCategories allowedStatusChanges
    events { fromStatus toStatus note at actor { id } } }
  ... on InvalidTransition { entity from to allowed }
  ... on StaleVersion { expectedVersion currentVersion }
  ... on ConsentRequired { category grantee }
  ... on RuleViolation { rule }
  ... on ValidationError { field }
  ... on InputValidationError { issues { path message } }
  ... on NotFound { entity missingId: id }
  ... on Error { message code }`;
const CREATE = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { ${FIELDS} } }`;
const SEND = `mutation($input: SendReferralInput!) { sendReferral(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateReferralStatusInput!) { updateReferralStatus(input: $input) { ${FIELDS} } }`;

describe('referral machine (unit)', () => {
  it.each(STATUSES)('allows exactly the agreed moves from %s', (from) => {
    expect([...referralMachine.allowedFrom(from)].sort()).toEqual([...TABLE[from]].sort());
  });

  it('has DECLINED, COMPLETED and CANCELLED as its final statuses', () => {
    expect([...referralMachine.finalStatuses].sort()).toEqual(['CANCELLED', 'COMPLETED', 'DECLINED']);
  });

  it.each(PAIRS)('%s -> %s is allowed only if the table says so', (from, to) => {
    const allowed = TABLE[from].includes(to);
    expect(referralMachine.can(from, to)).toBe(allowed);
    if (allowed) expect(() => referralMachine.assert(from, to)).not.toThrow();
    else expect(() => referralMachine.assert(from, to)).toThrow(InvalidTransitionError);
  });
});

describe('updateReferralStatus through GraphQL: every pair', () => {
  it.each(PAIRS)('%s -> %s follows the machine and changes nothing when refused', async (from, to) => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, {
      status: from,
      appointmentAt: from === 'SCHEDULED' || from === 'NO_SHOW' ? new Date() : null,
    });
    const before = await domainCounts();
    const input: Record<string, unknown> = { referralId: globalId('Referral', referral.id), status: to, note: `to ${to}` };
    if (to === 'SCHEDULED') input.appointmentAt = soon();
    const data: any = expectData(await t.gql(UPDATE, { input }, { token: w.token }));
    const stored = await prisma.referral.findUniqueOrThrow({ where: { id: referral.id } });
    if (TABLE[from].includes(to)) {
      expect(data.updateReferralStatus).toMatchObject({ __typename: 'Referral', status: to, version: 2 });
      expect(data.updateReferralStatus.events.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, note: `to ${to}` });
      expect(stored.status).toBe(to);
      const after = await domainCounts();
      // One history row, one audit record, one event on the case and one on the provider.
      expect(after).toEqual({ ...before, referralEvents: before.referralEvents + 1, audits: before.audits + 1, events: before.events + 2 });
    } else {
      expect(data.updateReferralStatus).toMatchObject({ __typename: 'InvalidTransition', entity: 'Referral', from, to, allowed: TABLE[from] });
      expect(stored).toMatchObject({ status: from, version: 1 });
      expect(await domainCounts()).toEqual(before);
    }
  });
});

describe('createReferral', () => {
  it('drafts a referral, defaults the estimated cost from the service, records creation, audits and announces', async () => {
    const w = await referralSetting(t);
    const before = await domainCounts();
    const mark = await lastEventId();
    const data: any = expectData(
      await t.gql(
        CREATE,
        {
          input: {
            caseId: globalId('Case', w.kase.id),
            providerId: globalId('Provider', w.provider.id),
            serviceId: globalId('ProviderService', w.service.id),
            reason: 'Weekly counselling for anxiety',
            urgency: 'URGENT',
            sharedCategories: ['GENERAL', 'MENTAL_HEALTH'],
          },
        },
        { token: w.token },
      ),
    );
    expect(data.createReferral).toMatchObject({
      __typename: 'Referral',
      status: 'DRAFT',
      urgency: 'URGENT',
      estimatedCost: 85.5,
      sentAt: null,
      sharedCategories: ['GENERAL', 'MENTAL_HEALTH'],
      allowedStatusChanges: ['SENT', 'CANCELLED'],
      events: [{ fromStatus: null, toStatus: 'DRAFT', actor: { id: globalId('StaffMember', w.manager.id) } }],
    });
    expect(await domainCounts()).toEqual({ ...before, referrals: before.referrals + 1, referralEvents: before.referralEvents + 1, audits: before.audits + 1, events: before.events + 1 });
    const [event] = await eventsSince(mark);
    expect(event).toMatchObject({ topic: `case:${w.kase.id}`, kind: 'REFERRAL_CREATED' });
  });

  it('keeps an explicit estimated cost, and creates once when a retry repeats the clientMutationId', async () => {
    const w = await referralSetting(t);
    const input = {
      caseId: globalId('Case', w.kase.id),
      providerId: globalId('Provider', w.provider.id),
      serviceId: globalId('ProviderService', w.service.id),
      reason: 'Counselling',
      estimatedCost: 40,
      clientMutationId: `ref-${w.kase.id}`,
    };
    const first: any = expectData(await t.gql(CREATE, { input }, { token: w.token }));
    const second: any = expectData(await t.gql(CREATE, { input }, { token: w.token }));
    expect(first.createReferral).toMatchObject({ estimatedCost: 40, urgency: 'ROUTINE' });
    expect(second.createReferral.id).toBe(first.createReferral.id);
    expect(await prisma.referral.count({ where: { caseId: w.kase.id } })).toBe(1);
  });

  it('refuses a service of another provider, a bad field or a closed case, and writes nothing', async () => {
    const w = await referralSetting(t);
    const otherProvider = await createProvider();
    const base = { caseId: globalId('Case', w.kase.id), providerId: globalId('Provider', otherProvider.id), reason: 'Counselling' };
    const before = await domainCounts();
    const wrongService: any = expectData(await t.gql(CREATE, { input: { ...base, serviceId: globalId('ProviderService', w.service.id) } }, { token: w.token }));
    expect(wrongService.createReferral).toMatchObject({ __typename: 'ValidationError', field: 'serviceId' });
    const tooShort: any = expectData(await t.gql(CREATE, { input: { ...base, reason: 'x' } }, { token: w.token }));
    expect(tooShort.createReferral.__typename).toBe('InputValidationError');
    expect(tooShort.createReferral.issues[0].path).toEqual(['input', 'reason']);
    const negative: any = expectData(await t.gql(CREATE, { input: { ...base, estimatedCost: -1 } }, { token: w.token }));
    expect(negative.createReferral.issues[0].path).toEqual(['input', 'estimatedCost']);
    const twice: any = expectData(await t.gql(CREATE, { input: { ...base, sharedCategories: ['HIV', 'HIV'] } }, { token: w.token }));
    expect(twice.createReferral.__typename).toBe('InputValidationError');
    await prisma.case.update({ where: { id: w.kase.id }, data: { status: 'CLOSED', closedAt: new Date() } });
    const closed: any = expectData(await t.gql(CREATE, { input: base }, { token: w.token }));
    expect(closed.createReferral).toMatchObject({ __typename: 'RuleViolation', rule: 'CASE_CLOSED' });
    expect(await domainCounts()).toEqual(before);
  });
});

describe('sendReferral', () => {
  const WINDOW_HOURS: Record<ReferralUrgency, number> = { STAT: 4, ASAP: 24, URGENT: 72, ROUTINE: 240 };

  it.each(Object.entries(WINDOW_HOURS))('a %s referral expects an answer %d hours after it was sent', async (urgency, hours) => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { urgency: urgency as ReferralUrgency });
    const mark = await lastEventId();
    const data: any = expectData(await t.gql(SEND, { input: { referralId: globalId('Referral', referral.id), expectedVersion: 1 } }, { token: w.token }));
    const sent = data.sendReferral;
    expect(sent).toMatchObject({ __typename: 'Referral', status: 'SENT', version: 2 });
    expect(new Date(sent.expectedResponseBy).getTime() - new Date(sent.sentAt).getTime()).toBe(hours * 3_600_000);
    expect(Math.abs(new Date(sent.sentAt).getTime() - Date.now())).toBeLessThan(60_000);
    const events = await eventsSince(mark);
    expect(events.map((e) => [e.topic, e.kind])).toEqual([
      [`case:${w.kase.id}`, 'REFERRAL_STATUS_CHANGED'],
      [`provider:${w.provider.id}`, 'REFERRAL_STATUS_CHANGED'],
    ]);
    expect(events[0]!.payload).toMatchObject({ referralId: referral.id, caseId: w.kase.id, providerId: w.provider.id, from: 'DRAFT', to: 'SENT' });
  });

  it('needs the client\'s active consent for each restricted category it shares, and names the category', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { sharedCategories: ['GENERAL', 'MENTAL_HEALTH', 'SUBSTANCE_USE'] });
    const referralId = globalId('Referral', referral.id);
    const otherProvider = await createProvider();
    // Consent that does not count: another provider, revoked, expired, not started yet.
    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: otherProvider.id });
    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: w.provider.id, status: 'REVOKED' });
    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: w.provider.id, periodEnd: new Date(Date.now() - 60_000) });
    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: w.provider.id, periodStart: new Date(Date.now() + 86_400_000) });
    const before = await domainCounts();
    const refused: any = expectData(await t.gql(SEND, { input: { referralId } }, { token: w.token }));
    expect(refused.sendReferral).toMatchObject({ __typename: 'ConsentRequired', category: 'MENTAL_HEALTH', grantee: w.provider.name, code: 'CONSENT_REQUIRED' });
    expect(await domainCounts()).toEqual(before);
    expect((await prisma.referral.findUniqueOrThrow({ where: { id: referral.id } })).status).toBe('DRAFT');

    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: w.provider.id });
    const next: any = expectData(await t.gql(SEND, { input: { referralId } }, { token: w.token }));
    expect(next.sendReferral).toMatchObject({ __typename: 'ConsentRequired', category: 'SUBSTANCE_USE' });

    await seedConsent({ clientId: w.client.id, recordedById: w.manager.id, granteeProviderId: w.provider.id, category: 'SUBSTANCE_USE' });
    const sent: any = expectData(await t.gql(SEND, { input: { referralId } }, { token: w.token }));
    expect(sent.sendReferral).toMatchObject({ __typename: 'Referral', status: 'SENT' });
  });

  it('applies the same consent rule when a referral is sent through updateReferralStatus', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { sharedCategories: ['HIV'] });
    const data: any = expectData(await t.gql(UPDATE, { input: { referralId: globalId('Referral', referral.id), status: 'SENT' } }, { token: w.token }));
    expect(data.updateReferralStatus).toMatchObject({ __typename: 'ConsentRequired', category: 'HIV' });
  });

  it('is refused on a closed case or to a provider that is no longer active', async () => {
    const w = await referralSetting(t);
    const onClosed = await seedReferral(w.kase, w.provider.id, w.manager.id);
    const inactive = await createProvider({ active: false });
    const toInactive = await seedReferral(w.kase, inactive.id, w.manager.id);
    const before = await domainCounts();
    const refusedProvider: any = expectData(await t.gql(SEND, { input: { referralId: globalId('Referral', toInactive.id) } }, { token: w.token }));
    expect(refusedProvider.sendReferral).toMatchObject({ __typename: 'RuleViolation', rule: 'PROVIDER_INACTIVE' });
    await prisma.case.update({ where: { id: w.kase.id }, data: { status: 'CLOSED', closedAt: new Date() } });
    const refusedCase: any = expectData(await t.gql(SEND, { input: { referralId: globalId('Referral', onClosed.id) } }, { token: w.token }));
    expect(refusedCase.sendReferral).toMatchObject({ __typename: 'RuleViolation', rule: 'CASE_CLOSED' });
    expect(await domainCounts()).toEqual(before);
    // What was in flight can still be cancelled.
    const cancelled: any = expectData(await t.gql(UPDATE, { input: { referralId: globalId('Referral', onClosed.id), status: 'CANCELLED', note: 'Case closed' } }, { token: w.token }));
    expect(cancelled.updateReferralStatus.status).toBe('CANCELLED');
  });

  it('shares GENERAL information without a consent record', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { sharedCategories: ['GENERAL'] });
    const data: any = expectData(await t.gql(SEND, { input: { referralId: globalId('Referral', referral.id) } }, { token: w.token }));
    expect(data.sendReferral.status).toBe('SENT');
  });
});

describe('the closed loop', () => {
  it('keeps a history that matches the path taken, with the side effects of each step', async () => {
    const w = await referralSetting(t);
    const created: any = expectData(
      await t.gql(CREATE, { input: { caseId: globalId('Case', w.kase.id), providerId: globalId('Provider', w.provider.id), reason: 'Counselling' } }, { token: w.token }),
    );
    const referralId = created.createReferral.id;
    const appointment = soon();
    const path: Array<[ReferralStatus, Record<string, unknown>]> = [
      ['SENT', {}],
      ['ACCEPTED', { note: 'Provider has a slot' }],
      ['SCHEDULED', { appointmentAt: appointment }],
      ['NO_SHOW', { note: 'Client did not come' }],
      ['SCHEDULED', { appointmentAt: appointment, note: 'Rebooked' }],
      ['IN_PROGRESS', {}],
      ['COMPLETED', { outcomeNote: 'Completed 8 sessions' }],
    ];
    const mark = await lastEventId();
    let last: any;
    for (const [status, extra] of path) {
      const mutation = status === 'SENT' ? SEND : UPDATE;
      const input = status === 'SENT' ? { referralId } : { referralId, status, ...extra };
      const data: any = expectData(await t.gql(mutation, { input }, { token: w.token }));
      last = data.sendReferral ?? data.updateReferralStatus;
      expect(last).toMatchObject({ __typename: 'Referral', status });
    }
    expect(last.events.map((e: any) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'DRAFT'],
      ['DRAFT', 'SENT'],
      ['SENT', 'ACCEPTED'],
      ['ACCEPTED', 'SCHEDULED'],
      ['SCHEDULED', 'NO_SHOW'],
      ['NO_SHOW', 'SCHEDULED'],
      ['SCHEDULED', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'COMPLETED'],
    ]);
    expect(last.events.map((e: any) => e.note)).toEqual([null, null, 'Provider has a slot', null, 'Client did not come', 'Rebooked', null, null]);
    expect(last).toMatchObject({ version: 8, outcomeNote: 'Completed 8 sessions', appointmentAt: appointment, allowedStatusChanges: [] });
    expect(last.acceptedAt).not.toBeNull();
    expect(last.completedAt).not.toBeNull();
    const events = await eventsSince(mark);
    expect(events).toHaveLength(path.length * 2);
    expect(events.filter((e) => e.topic === `provider:${w.provider.id}`).map((e) => (e.payload as any).to)).toEqual(path.map(([s]) => s));
    const stored = await prisma.referral.findFirstOrThrow({ where: { caseId: w.kase.id } });
    const audits = await prisma.auditEvent.findMany({ where: { entityId: stored.id, action: { not: 'READ' } }, orderBy: { at: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual(['CREATE', ...path.map(() => 'STATUS_CHANGE')]);
  });

  it('needs an appointment time to schedule, and takes one only then', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'ACCEPTED' });
    const referralId = globalId('Referral', referral.id);
    const before = await domainCounts();
    const missing: any = expectData(await t.gql(UPDATE, { input: { referralId, status: 'SCHEDULED' } }, { token: w.token }));
    expect(missing.updateReferralStatus).toMatchObject({ __typename: 'ValidationError', field: 'appointmentAt' });
    const misplaced: any = expectData(await t.gql(UPDATE, { input: { referralId, status: 'IN_PROGRESS', appointmentAt: soon() } }, { token: w.token }));
    expect(misplaced.updateReferralStatus).toMatchObject({ __typename: 'ValidationError', field: 'appointmentAt' });
    const farAway: any = expectData(
      await t.gql(UPDATE, { input: { referralId, status: 'SCHEDULED', appointmentAt: new Date(Date.now() + 5 * 366 * 86_400_000).toISOString() } }, { token: w.token }),
    );
    expect(farAway.updateReferralStatus.__typename).toBe('InputValidationError');
    expect(await domainCounts()).toEqual(before);
  });

  it('refuses a stale version and changes nothing', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'SENT' });
    const referralId = globalId('Referral', referral.id);
    expectData(await t.gql(UPDATE, { input: { referralId, status: 'ACCEPTED', expectedVersion: 1 } }, { token: w.token }));
    const before = await domainCounts();
    const stale: any = expectData(await t.gql(UPDATE, { input: { referralId, status: 'CANCELLED', expectedVersion: 1 } }, { token: w.token }));
    expect(stale.updateReferralStatus).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await domainCounts()).toEqual(before);
    expect((await prisma.referral.findUniqueOrThrow({ where: { id: referral.id } })).status).toBe('ACCEPTED');
  });
});

describe('who sees referrals', () => {
  const QUERY = `query($filter: ReferralFilter) { referrals(filter: $filter, first: 50) { totalCount edges { node { id status } } } }`;

  it('answers an outsider with NotFound and shows them nothing', async () => {
    const w = await referralSetting(t);
    const referral = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'SENT' });
    const referralId = globalId('Referral', referral.id);
    const stranger = await outsider(t);
    const before = await domainCounts();
    const update: any = expectData(await t.gql(UPDATE, { input: { referralId, status: 'ACCEPTED' } }, { token: stranger.token }));
    expect(update.updateReferralStatus).toMatchObject({ __typename: 'NotFound', entity: 'Referral' });
    const create: any = expectData(
      await t.gql(CREATE, { input: { caseId: globalId('Case', w.kase.id), providerId: globalId('Provider', w.provider.id), reason: 'Counselling' } }, { token: stranger.token }),
    );
    expect(create.createReferral).toMatchObject({ __typename: 'NotFound', entity: 'Case' });
    expect(await domainCounts()).toEqual(before);
    const denied = await prisma.auditEvent.findFirst({ where: { actorId: stranger.staff.id, action: 'ACCESS_DENIED', entityId: referral.id } });
    expect(denied).not.toBeNull();

    // A forbidden node answers exactly like a missing one.
    const NODE = `query($id: ID!) { node(id: $id) { id } }`;
    const forbidden = await t.gql(NODE, { id: referralId }, { token: stranger.token });
    const missing = await t.gql(NODE, { id: globalId('Referral', '0d6b1a4e-1111-4111-8111-111111111111') }, { token: stranger.token });
    expect(forbidden.data?.node ?? null).toBeNull();
    expect(forbidden.data).toEqual(missing.data);
    expect(forbidden.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(missing.errors?.map((e) => [e.message, e.extensions?.code]));
    const list: any = expectData(await t.gql(QUERY, { filter: { providerId: globalId('Provider', w.provider.id) } }, { token: stranger.token }));
    expect(list.referrals.totalCount).toBe(0);
    const viaProvider: any = expectData(
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Provider { referrals { totalCount } } } }`, { id: globalId('Provider', w.provider.id) }, { token: stranger.token }),
    );
    expect(viaProvider.node.referrals.totalCount).toBe(0);
    const mine: any = expectData(
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Provider { referrals { totalCount edges { node { id } } } } } }`, { id: globalId('Provider', w.provider.id) }, { token: w.token }),
    );
    expect(mine.node.referrals).toMatchObject({ totalCount: 1, edges: [{ node: { id: referralId } }] });
  });

  it('filters by status, urgency, provider, service type and case', async () => {
    const w = await referralSetting(t);
    const other = await createProvider({ kind: 'HOUSING' });
    const a = await seedReferral(w.kase, w.provider.id, w.manager.id, { status: 'SENT', urgency: 'STAT', serviceId: w.service.id });
    const b = await seedReferral(w.kase, other.id, w.manager.id, { status: 'DRAFT', urgency: 'ROUTINE' });
    const c = await seedReferral(w.kase, other.id, w.manager.id, {
      status: 'SENT',
      urgency: 'ROUTINE',
      sentAt: new Date(Date.now() - 20 * 86_400_000),
      expectedResponseBy: new Date(Date.now() - 10 * 86_400_000),
    });
    const ids = async (filter: Record<string, unknown>) => {
      const data: any = expectData(await t.gql(QUERY, { filter: { caseId: globalId('Case', w.kase.id), ...filter } }, { token: w.token }));
      return data.referrals.edges.map((e: any) => e.node.id).sort();
    };
    const g = (r: { id: string }) => globalId('Referral', r.id);
    expect(await ids({})).toEqual([g(a), g(b), g(c)].sort());
    expect(await ids({ status: ['SENT'] })).toEqual([g(a), g(c)].sort());
    expect(await ids({ urgency: ['STAT'] })).toEqual([g(a)]);
    expect(await ids({ providerId: globalId('Provider', other.id) })).toEqual([g(b), g(c)].sort());
    expect(await ids({ serviceType: 'COUNSELLING' })).toEqual([g(a)]);
    expect(await ids({ serviceType: 'HOUSING' })).toEqual([g(b), g(c)].sort());
    expect(await ids({ responseOverdue: true })).toEqual([g(c)]);
    const onCase: any = expectData(
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Case { referrals(status: [DRAFT]) { id } } } }`, { id: globalId('Case', w.kase.id) }, { token: w.token }),
    );
    expect(onCase.node.referrals).toEqual([{ id: g(b) }]);
  });
});
