import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createRelatedPerson, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';
import { domainCounts, eventsSince, lastEventId, outsider, referralSetting, seedGoal } from '../support/referrals.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('interactions');
});
afterAll(() => t?.stop());

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

const FIELDS = `__typename
  ... on Interaction { id type occurredAt durationMinutes summary summaryWithheldReason sensitivity sensitiveCategory enteredInError version
    staff { id } goals { id }
    participants { role relatedPerson { id } provider { id } staff { id } } }
  ... on ValidationError { field }
  ... on InputValidationError { issues { path message } }
  ... on RuleViolation { rule }
  ... on StaleVersion { expectedVersion currentVersion }
  ... on NotFound { entity }
  ... on Error { message code }`;
const RECORD = `mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { ${FIELDS} } }`;
const MARK = `mutation($input: MarkInteractionEnteredInErrorInput!) { markInteractionEnteredInError(input: $input) { ${FIELDS} } }`;
const CASE_INTERACTIONS = `query($id: ID!, $all: Boolean) { node(id: $id) { ... on Case { lastContactAt
  interactions(first: 20, includeEnteredInError: $all) { totalCount edges { node { id occurredAt summary summaryWithheldReason enteredInError } } } } } }`;

async function setting() {
  const w = await referralSetting(t);
  const parent = await createRelatedPerson();
  await prisma.clientRelationship.create({ data: { clientId: w.client.id, relatedPersonId: parent.id, relationship: 'PARENT' } });
  const colleague = await createStaff(w.org.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
  const goal = await seedGoal(w.kase.id, w.manager.id);
  return { ...w, parent, colleague, goal, caseId: globalId('Case', w.kase.id) };
}

const lastContactOf = async (caseId: string) => (await prisma.case.findUniqueOrThrow({ where: { id: caseId } })).lastContactAt;

describe('recordInteraction', () => {
  it('records a contact with its participants and goals, moves lastContactAt, audits and announces', async () => {
    const w = await setting();
    const before = await domainCounts();
    const mark = await lastEventId();
    const occurredAt = ago(2);
    const data: any = expectData(
      await t.gql(
        RECORD,
        {
          input: {
            caseId: w.caseId,
            type: 'FAMILY_MEETING',
            occurredAt,
            durationMinutes: 90,
            summary: 'Met the family to plan the return home',
            participants: [
              { relatedPersonId: globalId('RelatedPerson', w.parent.id), role: 'mother' },
              { providerId: globalId('Provider', w.provider.id) },
              { staffId: globalId('StaffMember', w.colleague.id), role: 'nurse' },
            ],
            goalIds: [globalId('Goal', w.goal.id)],
          },
        },
        { token: w.token },
      ),
    );
    expect(data.recordInteraction).toMatchObject({
      __typename: 'Interaction',
      type: 'FAMILY_MEETING',
      occurredAt,
      durationMinutes: 90,
      summary: 'Met the family to plan the return home',
      summaryWithheldReason: null,
      sensitivity: 'NORMAL',
      staff: { id: globalId('StaffMember', w.manager.id) },
      goals: [{ id: globalId('Goal', w.goal.id) }],
    });
    expect(data.recordInteraction.participants).toHaveLength(3);
    expect(data.recordInteraction.participants).toEqual(
      expect.arrayContaining([
        { role: 'mother', relatedPerson: { id: globalId('RelatedPerson', w.parent.id) }, provider: null, staff: null },
        { role: null, relatedPerson: null, provider: { id: globalId('Provider', w.provider.id) }, staff: null },
        { role: 'nurse', relatedPerson: null, provider: null, staff: { id: globalId('StaffMember', w.colleague.id) } },
      ]),
    );
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(occurredAt);
    expect(await domainCounts()).toEqual({
      ...before,
      interactions: before.interactions + 1,
      participants: before.participants + 3,
      audits: before.audits + 1,
      events: before.events + 1,
    });
    const [event] = await eventsSince(mark);
    expect(event).toMatchObject({ topic: `case:${w.kase.id}`, kind: 'INTERACTION_RECORDED' });
  });

  it('moves lastContactAt forward only, and lists contacts newest first', async () => {
    const w = await setting();
    const record = (occurredAt: string) =>
      t.gql(RECORD, { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt, summary: `Call at ${occurredAt}` } }, { token: w.token });
    const [middle, early, late] = [ago(48), ago(96), ago(1)];
    expectData(await record(middle));
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(middle);
    expectData(await record(early));
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(middle);
    expectData(await record(late));
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(late);
    const data: any = expectData(await t.gql(CASE_INTERACTIONS, { id: w.caseId }, { token: w.token }));
    expect(data.node.lastContactAt).toBe(late);
    expect(data.node.interactions.totalCount).toBe(3);
    expect(data.node.interactions.edges.map((e: any) => e.node.occurredAt)).toEqual([late, middle, early]);
  });

  it('records once when a retry repeats the clientMutationId', async () => {
    const w = await setting();
    const input = { caseId: w.caseId, type: 'HOME_VISIT', occurredAt: ago(1), summary: 'Home visit', clientMutationId: `visit-${w.kase.id}` };
    const first: any = expectData(await t.gql(RECORD, { input }, { token: w.token }));
    const second: any = expectData(await t.gql(RECORD, { input }, { token: w.token }));
    expect(second.recordInteraction.id).toBe(first.recordInteraction.id);
    expect(await prisma.interaction.count({ where: { caseId: w.kase.id } })).toBe(1);
  });

  it('refuses bad input, naming the field, and writes nothing', async () => {
    const w = await setting();
    const otherCase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    const foreignGoal = await seedGoal(otherCase.id, w.manager.id);
    const stranger = await outsider(t);
    const stray = await createRelatedPerson();
    const base = { caseId: w.caseId, type: 'HOME_VISIT', occurredAt: ago(1), summary: 'Home visit' };
    const before = await domainCounts();
    const lastContact = await lastContactOf(w.kase.id);
    const attempt = async (input: Record<string, unknown>) => (expectData(await t.gql(RECORD, { input: { ...base, ...input } }, { token: w.token })) as any).recordInteraction;

    const future = await attempt({ occurredAt: new Date(Date.now() + 2 * HOUR).toISOString() });
    expect(future.__typename).toBe('InputValidationError');
    expect(future.issues[0]).toMatchObject({ path: ['input', 'occurredAt'], message: 'cannot be in the future' });
    expect(await attempt({ occurredAt: ago(24 * 60) })).toMatchObject({ __typename: 'ValidationError', field: 'occurredAt' });
    expect((await attempt({ durationMinutes: 1441 })).issues[0].path).toEqual(['input', 'durationMinutes']);
    expect((await attempt({ durationMinutes: -1 })).issues[0].path).toEqual(['input', 'durationMinutes']);
    expect(await attempt({ goalIds: [globalId('Goal', w.goal.id), globalId('Goal', foreignGoal.id)] })).toMatchObject({ __typename: 'ValidationError', field: 'goalIds' });
    expect(await attempt({ goalIds: [globalId('Case', w.kase.id)] })).toMatchObject({ __typename: 'ValidationError', field: 'goalIds' });
    const two = await attempt({ participants: [{ relatedPersonId: globalId('RelatedPerson', w.parent.id), providerId: globalId('Provider', w.provider.id) }] });
    expect(two.__typename).toBe('InputValidationError');
    expect(two.issues[0].path.slice(0, 3)).toEqual(['input', 'participants', '0']);
    expect((await attempt({ participants: [{ role: 'nobody' }] })).__typename).toBe('InputValidationError');
    expect(await attempt({ participants: [{ relatedPersonId: globalId('RelatedPerson', stray.id) }] })).toMatchObject({
      __typename: 'ValidationError',
      field: 'participants.0.relatedPersonId',
    });
    expect(await attempt({ participants: [{ staffId: globalId('StaffMember', stranger.staff.id) }] })).toMatchObject({
      __typename: 'ValidationError',
      field: 'participants.0.staffId',
    });
    expect(await attempt({ participants: [{ staffId: globalId('StaffMember', w.manager.id) }] })).toMatchObject({ __typename: 'ValidationError', field: 'participants.0.staffId' });
    const duplicate = { providerId: globalId('Provider', w.provider.id) };
    expect(await attempt({ participants: [duplicate, duplicate] })).toMatchObject({ __typename: 'ValidationError', field: 'participants.1.providerId' });
    expect(await attempt({ sensitivity: 'RESTRICTED' })).toMatchObject({ __typename: 'ValidationError', field: 'sensitiveCategory' });
    expect(await attempt({ sensitivity: 'RESTRICTED', sensitiveCategory: 'GENERAL' })).toMatchObject({ __typename: 'ValidationError', field: 'sensitiveCategory' });
    expect(await attempt({ sensitiveCategory: 'HIV' })).toMatchObject({ __typename: 'ValidationError', field: 'sensitiveCategory' });
    expect((await attempt({ summary: '' })).issues[0].path).toEqual(['input', 'summary']);

    expect(await domainCounts()).toEqual(before);
    expect(await lastContactOf(w.kase.id)).toEqual(lastContact);
  });

  it('answers an outsider with NotFound', async () => {
    const w = await setting();
    const stranger = await outsider(t);
    const before = await domainCounts();
    const data: any = expectData(
      await t.gql(RECORD, { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt: ago(1), summary: 'Call' } }, { token: stranger.token }),
    );
    expect(data.recordInteraction).toMatchObject({ __typename: 'NotFound', entity: 'Case' });
    expect(await domainCounts()).toEqual(before);
  });
});

describe('concurrent contacts', () => {
  it('leaves lastContactAt at the latest of contacts recorded at the same time', async () => {
    const w = await setting();
    const times = [ago(30), ago(2), ago(12), ago(5), ago(20)];
    const results = await Promise.all(
      times.map((occurredAt) => t.gql(RECORD, { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt, summary: 'Call' } }, { token: w.token })),
    );
    for (const r of results) expect(expectData<any>(r).recordInteraction.__typename).toBe('Interaction');
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(times[1]);
  });
});

describe('restricted summaries', () => {
  it('are read by the care team, the author and a break-glass holder, and withheld from others with a reason', async () => {
    const w = await setting();
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const data: any = expectData(
      await t.gql(
        RECORD,
        { input: { caseId: w.caseId, type: 'COUNSELLING_SESSION', occurredAt: ago(1), summary: 'Disclosed relapse', sensitivity: 'RESTRICTED', sensitiveCategory: 'SUBSTANCE_USE' } },
        { token: w.token },
      ),
    );
    expect(data.recordInteraction).toMatchObject({ summary: 'Disclosed relapse', sensitiveCategory: 'SUBSTANCE_USE', summaryWithheldReason: null });
    const onTeam = await createStaff(w.org.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: onTeam.id, role: 'NURSE' } });
    const read = async (staffId: string) => {
      const result: any = expectData(await t.gql(CASE_INTERACTIONS, { id: w.caseId }, { token: await t.tokenFor(staffId) }));
      return result.node.interactions.edges[0].node;
    };
    expect(await read(onTeam.id)).toMatchObject({ summary: 'Disclosed relapse', summaryWithheldReason: null });
    // Withheld: the field is null, the error list says why, and the rest of the query answers.
    const withheld = async () => t.gql(CASE_INTERACTIONS, { id: w.caseId }, { token: await t.tokenFor(supervisor.id) });
    const denied = await withheld();
    const node = (denied.data as any).node.interactions.edges[0].node;
    expect(node.summary).toBeNull();
    expect(node.summaryWithheldReason).toContain('SUBSTANCE_USE');
    expect(denied.errors).toEqual([expect.objectContaining({ path: expect.arrayContaining(['summary']), extensions: { code: 'FORBIDDEN' } })]);
    expect(denied.errors?.[0]?.message).toContain('SUBSTANCE_USE');
    // The client's consent to share that category with the supervisor's organization opens it;
    // revoking the consent closes it again on the next request.
    const consent = await prisma.consent.create({
      data: { clientId: w.client.id, category: 'SUBSTANCE_USE', granteeOrganizationId: w.org.id, recordedById: supervisor.id },
    });
    expect(await read(supervisor.id)).toMatchObject({ summary: 'Disclosed relapse', summaryWithheldReason: null });
    await prisma.consent.update({ where: { id: consent.id }, data: { status: 'REVOKED', revokedAt: new Date() } });
    expect((await withheld()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const clinician = await createStaff(w.org.id, { roles: ['PHYSICIAN'], discipline: 'MEDICAL' });
    await prisma.breakGlassGrant.create({ data: { staffId: clinician.id, clientId: w.client.id, reason: 'Overdose in ED', expiresAt: new Date(Date.now() + HOUR) } });
    expect(await read(clinician.id)).toMatchObject({ summary: 'Disclosed relapse' });
  });
});

describe('markInteractionEnteredInError', () => {
  it('hides the record by default, falls lastContactAt back to the latest valid contact, and is done once', async () => {
    const w = await setting();
    const record = async (occurredAt: string) =>
      (expectData(await t.gql(RECORD, { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt, summary: 'Call' } }, { token: w.token })) as any).recordInteraction;
    const older = await record(ago(10));
    const newer = await record(ago(1));
    const mark = await lastEventId();
    const marked: any = expectData(await t.gql(MARK, { input: { interactionId: newer.id, reason: 'Wrong client', expectedVersion: 1 } }, { token: w.token }));
    expect(marked.markInteractionEnteredInError).toMatchObject({ __typename: 'Interaction', enteredInError: true, version: 2 });
    expect((await lastContactOf(w.kase.id))?.toISOString()).toBe(older.occurredAt);
    expect((await eventsSince(mark)).map((e) => e.kind)).toEqual(['INTERACTION_ENTERED_IN_ERROR']);
    const visible: any = expectData(await t.gql(CASE_INTERACTIONS, { id: w.caseId }, { token: w.token }));
    expect(visible.node.interactions.edges.map((e: any) => e.node.id)).toEqual([older.id]);
    const all: any = expectData(await t.gql(CASE_INTERACTIONS, { id: w.caseId, all: true }, { token: w.token }));
    expect(all.node.interactions.totalCount).toBe(2);

    const before = await domainCounts();
    const again: any = expectData(await t.gql(MARK, { input: { interactionId: newer.id, reason: 'Wrong client' } }, { token: w.token }));
    expect(again.markInteractionEnteredInError).toMatchObject({ __typename: 'RuleViolation', rule: 'ALREADY_ENTERED_IN_ERROR' });
    const stale: any = expectData(await t.gql(MARK, { input: { interactionId: older.id, reason: 'Wrong client', expectedVersion: 7 } }, { token: w.token }));
    expect(stale.markInteractionEnteredInError).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 7, currentVersion: 1 });
    expect(await domainCounts()).toEqual(before);

    expectData(await t.gql(MARK, { input: { interactionId: older.id, reason: 'Duplicate' } }, { token: w.token }));
    expect(await lastContactOf(w.kase.id)).toBeNull();
  });

  it('is for the author or a supervisor, and not for outsiders', async () => {
    const w = await setting();
    const recorded: any = expectData(await t.gql(RECORD, { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt: ago(1), summary: 'Call' } }, { token: w.token }));
    const interactionId = recorded.recordInteraction.id;
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: w.colleague.id, role: 'NURSE' } });
    const stranger = await outsider(t);
    const before = await domainCounts();
    const colleague: any = expectData(await t.gql(MARK, { input: { interactionId, reason: 'Not mine' } }, { token: await t.tokenFor(w.colleague.id) }));
    expect(colleague.markInteractionEnteredInError.__typename).toBe('Forbidden');
    const outside: any = expectData(await t.gql(MARK, { input: { interactionId, reason: 'Not mine' } }, { token: stranger.token }));
    expect(outside.markInteractionEnteredInError).toMatchObject({ __typename: 'NotFound', entity: 'Interaction' });
    expect(await domainCounts()).toEqual(before);
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const bySupervisor: any = expectData(await t.gql(MARK, { input: { interactionId, reason: 'Recorded on the wrong case' } }, { token: await t.tokenFor(supervisor.id) }));
    expect(bySupervisor.markInteractionEnteredInError).toMatchObject({ __typename: 'Interaction', enteredInError: true });
  });
});

describe('clients of other organizations', () => {
  it('does not accept a related person of another client', async () => {
    const w = await setting();
    const otherClient = await createClient(w.org.id);
    const theirs = await createRelatedPerson();
    await prisma.clientRelationship.create({ data: { clientId: otherClient.id, relatedPersonId: theirs.id, relationship: 'SIBLING' } });
    const data: any = expectData(
      await t.gql(
        RECORD,
        { input: { caseId: w.caseId, type: 'PHONE_CALL', occurredAt: ago(1), summary: 'Call', participants: [{ relatedPersonId: globalId('RelatedPerson', theirs.id) }] } },
        { token: w.token },
      ),
    );
    expect(data.recordInteraction).toMatchObject({ __typename: 'ValidationError', field: 'participants.0.relatedPersonId' });
  });
});

/** Statements of the request itself: the app's background sweeps (escalation, outbox relay, overdue referrals) share the client. */
const requestStatements = (statements: string[]) =>
  statements.filter((sql) => !/"CrisisEvent" c\b|"DomainEvent"|pg_try_advisory|pg_notify|"Referral" r\b/.test(sql)).length;

describe('batched reads', () => {
  it('reads a page of 3 or of 30 restricted interactions, with the summary decision, in the same number of statements', async () => {
    const w = await setting();
    for (let i = 0; i < 30; i += 1) {
      await prisma.interaction.create({
        data: {
          caseId: w.kase.id,
          clientId: w.client.id,
          staffId: w.colleague.id,
          type: 'COUNSELLING_SESSION',
          occurredAt: new Date(Date.now() - (i + 1) * HOUR),
          summary: `Session ${i}`,
          sensitivity: 'RESTRICTED',
          sensitiveCategory: 'MENTAL_HEALTH',
          participants: { create: [{ relatedPersonId: w.parent.id }] },
          goals: { connect: [{ id: w.goal.id }] },
        },
      });
    }
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const PAGE = `query($id: ID!, $first: Int!) { node(id: $id) { ... on Case { interactions(first: $first) { edges { node {
      summary summaryWithheldReason staff { name } goals { description } participants { relatedPerson { name } } } } } } } }`;
    for (const token of [w.token, await t.tokenFor(supervisor.id)]) {
      await t.gql('{ __typename }', {}, { token }); // the viewer is cached from then on
      const small = await countStatements(() => t.gql(PAGE, { id: w.caseId, first: 3 }, { token }));
      const large = await countStatements(() => t.gql(PAGE, { id: w.caseId, first: 30 }, { token }));
      const edges = (large.result.data as any).node.interactions.edges;
      expect(edges).toHaveLength(30);
      expect(requestStatements(large.statements)).toBe(requestStatements(small.statements));
      expect(requestStatements(large.statements)).toBeLessThanOrEqual(10);
    }
    const asSupervisor = await t.gql(PAGE, { id: w.caseId, first: 30 }, { token: await t.tokenFor(supervisor.id) });
    expect((asSupervisor.data as any).node.interactions.edges.every((e: any) => e.node.summary === null && e.node.summaryWithheldReason)).toBe(true);
    expect(asSupervisor.errors).toHaveLength(30);
  });
});
