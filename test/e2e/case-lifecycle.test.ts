// The whole life of a case through real HTTP requests, as a team frontend drives it, then
// read back in one nested query; and its audit trail, complete and in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createProvider, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
let token: string;
let managerId: string;

beforeAll(async () => {
  t = await startTestApp('case_lifecycle');
});
afterAll(() => t?.stop());

/** Runs a mutation `field(input:)` and returns its success object, failing on a typed error. */
async function mutate(field: string, inputType: string, input: Record<string, unknown>, selection: string): Promise<any> {
  const data: any = expectData(
    await t.gql(
      `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on Error { message code } ${selection} } }`,
      { input },
      { token },
    ),
  );
  const result = data[field];
  if (result.code) throw new Error(`${field} returned ${result.__typename}: ${result.message}`);
  return result;
}

const daysAhead = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe('the life of a case', () => {
  it('runs from registration to the post-discharge follow-up and reads back in one query', async () => {
    const org = await createOrganization({ name: 'Riverside Community Services', setting: 'COMMUNITY' });
    const manager = await createStaff(org.id, { givenName: 'Casey', familyName: 'Manager' });
    managerId = manager.id;
    token = await t.tokenFor(manager.id);
    const provider = await createProvider({ name: 'Harbor Housing Trust', kind: 'HOUSING' });
    const service = await prisma.providerService.create({
      data: { providerId: provider.id, serviceType: 'HOUSING', name: 'Rapid rehousing', costPerUnit: 850, costUnit: 'month', openSlots: 4 },
    });

    // Register the client and their family.
    const client = await mutate('registerClient', 'RegisterClientInput', {
      givenName: 'Maya', familyName: 'Okonkwo', dateOfBirth: '1988-03-14', preferredLanguage: 'en', phone: '+1 555 0100',
      region: 'Harbor', identifiers: [{ system: 'MRN', value: `MRN-${manager.id.slice(0, 8)}` }], clientMutationId: 'register-maya',
    }, '... on Client { id }');
    await mutate('addRelatedPerson', 'AddRelatedPersonInput', {
      clientId: client.id, givenName: 'Grace', familyName: 'Okonkwo', relationship: 'PARENT', isEmergencyContact: true, isCaregiver: true,
    }, '... on ClientRelationship { id }');

    // Open and assign the case, assess needs.
    const kase = await mutate('openCase', 'OpenCaseInput', { clientId: client.id, priority: 'URGENT', summary: 'Facing eviction' }, '... on Case { id status }');
    expect(kase.status).toBe('INTAKE');
    await mutate('changeCaseStatus', 'ChangeCaseStatusInput', { caseId: kase.id, status: 'ASSESSMENT' }, '... on Case { status }');
    await mutate('recordAssessment', 'RecordAssessmentInput', {
      caseId: kase.id, type: 'NEEDS', performedAt: new Date().toISOString(), sources: ['CLIENT_INTERVIEW', 'FAMILY', 'RECORDS'], riskLevel: 'MODERATE',
      needScores: [{ domain: 'HOUSING', severity: 3 }, { domain: 'MENTAL_HEALTH', severity: 2 }], summary: 'Eviction in 30 days; low mood',
    }, '... on Assessment { id }');
    await mutate('changeCaseStatus', 'ChangeCaseStatusInput', { caseId: kase.id, status: 'ACTIVE' }, '... on Case { status }');

    // Plan with a goal and an intervention toward it.
    const plan = await mutate('createCarePlan', 'CreateCarePlanInput', { caseId: kase.id, title: 'Keep Maya housed', reviewIntervalDays: 30 }, '... on CarePlan { id }');
    const goal = await mutate('addGoal', 'AddGoalInput', {
      carePlanId: plan.id, description: 'Move into stable housing', domain: 'HOUSING', priority: 'HIGH', targetDate: daysAhead(60), measure: 'housed', targetValue: 'yes',
    }, '... on Goal { id }');
    await mutate('activateCarePlan', 'ActivateCarePlanInput', { carePlanId: plan.id }, '... on CarePlan { status nextReviewDue }');
    await mutate('updateGoalStatus', 'UpdateGoalStatusInput', { goalId: goal.id, lifecycleStatus: 'ACCEPTED' }, '... on Goal { lifecycleStatus }');
    await mutate('updateGoalStatus', 'UpdateGoalStatusInput', { goalId: goal.id, lifecycleStatus: 'ACTIVE' }, '... on Goal { lifecycleStatus }');

    // Refer to a provider through the whole loop.
    const referral = await mutate('createReferral', 'CreateReferralInput', {
      caseId: kase.id, providerId: globalId('Provider', provider.id), serviceId: globalId('ProviderService', service.id), reason: 'Rapid rehousing', urgency: 'URGENT',
    }, '... on Referral { id status estimatedCost }');
    expect(referral.estimatedCost).toBe(850);
    await mutate('addIntervention', 'AddInterventionInput', { carePlanId: plan.id, goalId: goal.id, referralId: referral.id, description: 'Rehousing through Harbor Housing' }, '... on Intervention { id }');
    await mutate('sendReferral', 'SendReferralInput', { referralId: referral.id }, '... on Referral { status }');
    for (const [status, extra] of [['ACCEPTED', {}], ['SCHEDULED', { appointmentAt: daysAhead(2) }], ['IN_PROGRESS', {}], ['COMPLETED', { outcomeNote: 'Lease signed' }]] as const) {
      await mutate('updateReferralStatus', 'UpdateReferralStatusInput', { referralId: referral.id, status, ...extra }, '... on Referral { status }');
    }

    // Record a home visit and the progress it showed.
    const visit = await mutate('recordInteraction', 'RecordInteractionInput', {
      caseId: kase.id, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), durationMinutes: 45, summary: 'Viewed the new flat together', goalIds: [goal.id],
    }, '... on Interaction { id }');
    await mutate('recordGoalProgress', 'RecordGoalProgressInput', { goalId: goal.id, achievementStatus: 'ACHIEVED', value: 'yes', interactionId: visit.id, note: 'Moved in' }, '... on GoalProgress { id }');

    // A crisis: raised, acknowledged, worked, resolved, closed; it raises the risk level while open.
    const crisis = await mutate('raiseCrisis', 'RaiseCrisisInput', {
      clientId: client.id, caseId: kase.id, category: 'MENTAL_HEALTH', severity: 'HIGH', description: 'Panic attack after a call from the landlord',
    }, '... on CrisisEvent { id status }');
    expect((await prisma.client.findFirstOrThrow({ where: { familyName: 'Okonkwo', givenName: 'Maya' } })).riskLevel).toBe('HIGH');
    await mutate('acknowledgeCrisis', 'AcknowledgeCrisisInput', { crisisId: crisis.id }, '... on CrisisEvent { status }');
    await mutate('changeCrisisStatus', 'ChangeCrisisStatusInput', { crisisId: crisis.id, status: 'RESPONDING', responsePlan: 'Call with the crisis line; safety plan' }, '... on CrisisEvent { status }');
    await mutate('changeCrisisStatus', 'ChangeCrisisStatusInput', {
      crisisId: crisis.id, status: 'RESOLVED', clinicalAssessment: 'Acute anxiety, no self-harm risk', resolution: 'Calm; landlord dispute settled',
    }, '... on CrisisEvent { status }');
    await mutate('changeCrisisStatus', 'ChangeCrisisStatusInput', { crisisId: crisis.id, status: 'CLOSED' }, '... on CrisisEvent { status }');
    expect((await prisma.client.findFirstOrThrow({ where: { familyName: 'Okonkwo', givenName: 'Maya' } })).riskLevel).toBe('MODERATE');

    // Review the plan, complete it, close the case, follow up after discharge.
    await mutate('reviewCarePlan', 'ReviewCarePlanInput', { carePlanId: plan.id, outcome: 'CONTINUE', summary: 'Housed; keep supporting mood' }, '... on PlanReview { id }');
    await mutate('changeCarePlanStatus', 'ChangeCarePlanStatusInput', { carePlanId: plan.id, status: 'COMPLETED' }, '... on CarePlan { status }');
    await mutate('closeCase', 'CloseCaseInput', { caseId: kase.id, reason: 'Goals met: stably housed' }, '... on Case { status }');
    const followUp = await mutate('scheduleFollowUp', 'ScheduleFollowUpInput', { caseId: kase.id, kind: 'POST_DISCHARGE', scheduledFor: daysAhead(14) }, '... on FollowUp { id }');
    await mutate('recordFollowUpOutcome', 'RecordFollowUpOutcomeInput', {
      followUpId: followUp.id, status: 'COMPLETED', reachedClient: true, satisfaction: 5, healthChange: 'IMPROVED', mentalHealthChange: 'IMPROVED',
    }, '... on FollowUp { status }');

    // Everything, read back in one nested query.
    const data: any = expectData(
      await t.gql(
        `query($id: ID!) { node(id: $id) { ... on Case {
          status priority closureReason primaryCaseManager { name }
          client { name riskLevel identifiers { system } relationships { relationship isCaregiver relatedPerson { name } } }
          assessments { type riskLevel needScores { domain severity } }
          carePlans { status reviews { outcome } goals { lifecycleStatus achievementStatus progress { achievementStatus } interventions { referral { status } } } }
          referrals { status provider { name } events { fromStatus toStatus } }
          interactions(first: 10) { edges { node { type summary } } }
          crises { status actions { toStatus } }
          followUps { kind status satisfaction }
        } } }`,
        { id: kase.id },
        { token },
      ),
    );
    const c = data.node;
    expect(c).toMatchObject({ status: 'CLOSED', priority: 'URGENT', closureReason: 'Goals met: stably housed', primaryCaseManager: { name: 'Casey Manager' } });
    expect(c.client).toMatchObject({ name: 'Maya Okonkwo', riskLevel: 'MODERATE', identifiers: [{ system: 'MRN' }] });
    expect(c.client.relationships).toEqual([{ relationship: 'PARENT', isCaregiver: true, relatedPerson: { name: 'Grace Okonkwo' } }]);
    expect(c.assessments[0].needScores).toEqual(expect.arrayContaining([{ domain: 'HOUSING', severity: 3 }]));
    expect(c.carePlans[0]).toMatchObject({ status: 'COMPLETED', reviews: [{ outcome: 'CONTINUE' }] });
    expect(c.carePlans[0].goals[0]).toMatchObject({ lifecycleStatus: 'ACTIVE', achievementStatus: 'ACHIEVED', interventions: [{ referral: { status: 'COMPLETED' } }] });
    expect(c.referrals[0].events.map((e: any) => e.toStatus)).toEqual(['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED']);
    expect(c.interactions.edges[0].node).toEqual({ type: 'HOME_VISIT', summary: 'Viewed the new flat together' });
    expect(c.crises[0].status).toBe('CLOSED');
    expect(c.followUps).toEqual([{ kind: 'POST_DISCHARGE', status: 'COMPLETED', satisfaction: 5 }]);
  });

  it('leaves a complete audit trail: every write, in order, by the right actor, and the reads', async () => {
    const client = await prisma.client.findFirstOrThrow({ where: { familyName: 'Okonkwo', givenName: 'Maya' } });
    const events = await prisma.auditEvent.findMany({ where: { clientId: client.id }, orderBy: [{ at: 'asc' }, { createdAt: 'asc' }] });
    expect(new Set(events.map((e) => e.actorId))).toEqual(new Set([managerId]));
    const writes = events.filter((e) => e.action !== 'READ').map((e) => e.operationName);
    const firstIndexOf = (operation: string) => writes.indexOf(operation);
    const order = ['registerClient', 'openCase', 'recordAssessment', 'createCarePlan', 'activateCarePlan', 'createReferral', 'sendReferral',
      'recordInteraction', 'raiseCrisis', 'acknowledgeCrisis', 'reviewCarePlan', 'closeCase', 'scheduleFollowUp', 'recordFollowUpOutcome'];
    for (const operation of order) expect(firstIndexOf(operation), operation).toBeGreaterThanOrEqual(0);
    expect(order.map(firstIndexOf)).toEqual([...order.map(firstIndexOf)].sort((a, b) => a - b));
    expect(writes.filter((op) => op === 'updateReferralStatus')).toHaveLength(4);
    // The final nested read touched the client, the case and everything under it.
    const reads = new Set(events.filter((e) => e.action === 'READ').map((e) => e.entityType));
    for (const type of ['Client', 'Case', 'Assessment', 'Referral', 'Interaction', 'CrisisEvent', 'FollowUp']) expect(reads.has(type), type).toBe(true);
  });
});
