// goalProgress, referralStatusChanged and myAssignments end to end: real mutations through one
// instance, subscribers on the other, each receiving only its own topic's events and only what
// it may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_subscriptions');
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

async function world() {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const colleague = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  return { org, manager, colleague, client, kase, token: await cluster.tokenFor(manager.id), colleagueToken: await cluster.tokenFor(colleague.id) };
}

describe('goalProgress', () => {
  it('delivers progress on a case by case and by client, with the progress loaded', async () => {
    const w = await world();
    const now = new Date();
    const plan = await prisma.carePlan.create({
      data: { caseId: w.kase.id, authorId: w.manager.id, title: 'Housing', status: 'ACTIVE', periodStart: now, nextReviewDue: new Date(now.getTime() + 30 * 86_400_000) },
    });
    const goal = await prisma.goal.create({ data: { carePlanId: plan.id, description: 'Keep a tenancy', domain: 'HOUSING', lifecycleStatus: 'ACTIVE' } });
    const query = `subscription ($caseId: ID, $clientId: ID) { goalProgress(caseId: $caseId, clientId: $clientId) { eventId kind achievementStatus progress { id value } } }`;
    const byCase = collect(a.ws(w.token), query, { caseId: globalId('Case', w.kase.id) });
    const byClient = collect(a.ws(w.token), query, { clientId: globalId('Client', w.client.id) });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`) >= 1 && a.liveOn(`client:${w.client.id}`) >= 1);

    const recorded = expectData(
      await b.gql(
        `mutation ($input: RecordGoalProgressInput!) { recordGoalProgress(input: $input) { __typename ... on GoalProgress { id } ... on Error { message } } }`,
        { input: { goalId: globalId('Goal', goal.id), value: '3 months', achievementStatus: 'IMPROVING' } },
        w.token,
      ),
    );
    expect(recorded.recordGoalProgress.__typename).toBe('GoalProgress');
    for (const collected of [byCase, byClient]) {
      const [event] = await collected.waitForEvents(1);
      expect(event.goalProgress).toMatchObject({ kind: 'GOAL_PROGRESS_RECORDED', achievementStatus: 'IMPROVING', progress: { id: recorded.recordGoalProgress.id, value: '3 months' } });
    }
  });

  it('wants exactly one of caseId and clientId', async () => {
    const w = await world();
    const both = collect(a.ws(w.token), `subscription ($c: ID, $k: ID) { goalProgress(caseId: $c, clientId: $k) { eventId } }`, {
      c: globalId('Case', w.kase.id),
      k: globalId('Client', w.client.id),
    });
    await waitFor(() => both.errors.length);
    expect((both.errors[0] as any)[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('referralStatusChanged', () => {
  it('follows a case or a provider, only for referrals the subscriber may see', async () => {
    const w = await world();
    const provider = await createProvider();
    const otherCase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }, { staffId: w.colleague.id }]);
    const mine = await prisma.referral.create({
      data: { caseId: w.kase.id, clientId: w.client.id, providerId: provider.id, createdById: w.manager.id, reason: 'Housing support', status: 'SENT', sentAt: new Date() },
    });
    const shared = await prisma.referral.create({
      data: { caseId: otherCase.id, clientId: w.client.id, providerId: provider.id, createdById: w.manager.id, reason: 'Debt advice', status: 'SENT', sentAt: new Date() },
    });
    const query = `subscription ($filter: ReferralStatusFilter!) { referralStatusChanged(filter: $filter) { eventId kind from to referral { id status } } }`;
    const byCase = collect(a.ws(w.token), query, { filter: { caseId: globalId('Case', w.kase.id) } });
    const byProvider = collect(a.ws(w.colleagueToken), query, { filter: { providerId: globalId('Provider', provider.id) } });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`) >= 1 && a.liveOn(`provider:${provider.id}`) >= 1);

    const accept = async (referralId: string) =>
      expectData(
        await b.gql(
          `mutation ($input: UpdateReferralStatusInput!) { updateReferralStatus(input: $input) { __typename ... on Referral { status } ... on Error { message } } }`,
          { input: { referralId: globalId('Referral', referralId), status: 'ACCEPTED' } },
          w.token,
        ),
      );
    expect((await accept(mine.id)).updateReferralStatus).toEqual({ __typename: 'Referral', status: 'ACCEPTED' });
    expect((await accept(shared.id)).updateReferralStatus).toEqual({ __typename: 'Referral', status: 'ACCEPTED' });

    const [onCase] = await byCase.waitForEvents(1);
    expect(onCase.referralStatusChanged).toMatchObject({ kind: 'REFERRAL_STATUS_CHANGED', from: 'SENT', to: 'ACCEPTED', referral: { id: globalId('Referral', mine.id), status: 'ACCEPTED' } });
    // The colleague is not on the first case: only the second referral reaches them.
    const [onProvider] = await byProvider.waitForEvents(1);
    expect(onProvider.referralStatusChanged.referral.id).toBe(globalId('Referral', shared.id));
    expect(byProvider.events).toHaveLength(1);
  });
});

describe('myAssignments', () => {
  it('delivers tasks assigned to the viewer and changes to them, not those of others', async () => {
    const w = await world();
    const query = `subscription { myAssignments { eventId kind task { id title status } case { id } } }`;
    const mine = collect(a.ws(w.token), query);
    const theirs = collect(a.ws(w.colleagueToken), query);
    await waitFor(() => a.liveOn(`staff:${w.manager.id}`) >= 1 && a.liveOn(`staff:${w.colleague.id}`) >= 1);

    const created = expectData(
      await b.gql(
        `mutation ($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on Task { id } ... on Error { message } } }`,
        { input: { caseId: globalId('Case', w.kase.id), title: 'Call the landlord' } },
        w.token,
      ),
    );
    expect(created.createTask.__typename).toBe('Task');
    const [assigned] = await mine.waitForEvents(1);
    expect(assigned.myAssignments).toMatchObject({ kind: 'TASK_ASSIGNED', task: { id: created.createTask.id, title: 'Call the landlord' }, case: { id: globalId('Case', w.kase.id) } });
    expect(theirs.events).toHaveLength(0);
    expect(await prisma.domainEvent.count({ where: { topic: `staff:${w.colleague.id}` } })).toBe(0);
    // Reads of the task are audited under its case's client: the mutation's answer, and the delivery.
    const taskId = Buffer.from(created.createTask.id, 'base64').toString().split(':')[1]!;
    const reads = await prisma.auditEvent.findMany({ where: { actorId: w.manager.id, action: 'READ', entityType: 'Task', entityId: taskId } });
    expect(reads.map((r) => r.clientId)).toEqual([w.client.id, w.client.id]);
  });
});
