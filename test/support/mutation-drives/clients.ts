// Drives of the client-record mutations: registration, updates, merges, related persons,
// consents, assessments, interactions, crises and referrals (see kit.ts).
import { prisma } from '../../../src/db.js';
import { createInteraction } from '../care-plans.js';
import { uniqueFamilyName, uniquePhone } from '../clients.js';
import { createClient } from '../factories.js';
import { seedCrisis, seedReferral } from '../referrals.js';
import { expected, g, rawId, type Drive, type Kit } from './kit.js';

const now = () => new Date().toISOString();

/** A fresh client with a parent linked to them. */
async function relatedClient(k: Kit) {
  const client = await createClient(k.w.org.id);
  const link = await k.call(k.w.manager, 'addRelatedPerson', { clientId: g('Client', client.id), givenName: 'Robin', familyName: uniqueFamilyName(), relationship: 'PARENT' },
    '... on ClientRelationship { id relatedPerson { id } }');
  return { client, relationshipId: link.id as string, relatedPersonId: link.relatedPerson.id as string };
}

/** A fresh case with a crisis on it, OPEN. */
async function crisisOnCase(k: Kit) {
  const { client, kase } = await k.freshCase();
  const crisis = await seedCrisis(client, k.w.manager.id, { caseId: kase.id });
  return { client, crisis };
}

export const clientDrives: Record<string, Drive> = {
  // With a related person: the link is audited too.
  async registerClient(k) {
    const client = await k.drive(k.w.manager, 'registerClient', {
      givenName: 'Jordan', familyName: uniqueFamilyName(), dateOfBirth: '1975-02-03',
      relatedPersons: [{ givenName: 'Sky', familyName: uniqueFamilyName(), relationship: 'SIBLING', isEmergencyContact: true }],
    });
    return expected([rawId(client.id)], 'CREATE', 'Client', rawId(client.id));
  },
  async updateClient(k) {
    const client = await createClient(k.w.org.id);
    await k.drive(k.w.manager, 'updateClient', { clientId: g('Client', client.id), phone: uniquePhone(), preferredLanguage: 'es' });
    return expected([client.id], 'UPDATE', 'Client', client.id);
  },
  // Two clients: each record's AuditEvent names its own.
  async mergeClients(k) {
    const [survivor, duplicate] = [await createClient(k.w.org.id), await createClient(k.w.org.id)];
    await k.drive(k.w.manager, 'mergeClients', { survivorId: g('Client', survivor.id), duplicateId: g('Client', duplicate.id), reason: 'Registered twice at intake' });
    return expected([survivor.id, duplicate.id], 'UPDATE', 'Client', duplicate.id);
  },
  async addRelatedPerson(k) {
    const client = await createClient(k.w.org.id);
    const link = await k.drive(k.w.manager, 'addRelatedPerson', { clientId: g('Client', client.id), givenName: 'Robin', familyName: uniqueFamilyName(), relationship: 'PARENT' });
    return expected([client.id], 'CREATE', 'ClientRelationship', rawId(link.id));
  },
  // The person is known through another client; the new link is the second client's.
  async linkRelatedPerson(k) {
    const { relatedPersonId } = await relatedClient(k);
    const sibling = await createClient(k.w.org.id);
    const link = await k.drive(k.w.manager, 'linkRelatedPerson', { clientId: g('Client', sibling.id), relatedPersonId, relationship: 'PARENT', isCaregiver: true });
    return expected([sibling.id], 'CREATE', 'ClientRelationship', rawId(link.id));
  },
  async updateClientRelationship(k) {
    const { client, relationshipId } = await relatedClient(k);
    await k.drive(k.w.manager, 'updateClientRelationship', { relationshipId, isCaregiver: true, livesWithClient: true });
    return expected([client.id], 'UPDATE', 'ClientRelationship', rawId(relationshipId));
  },
  async endClientRelationship(k) {
    const { client, relationshipId } = await relatedClient(k);
    await k.drive(k.w.manager, 'endClientRelationship', { relationshipId, reason: 'Moved abroad' });
    return expected([client.id], 'STATUS_CHANGE', 'ClientRelationship', rawId(relationshipId));
  },
  async recordConsent(k) {
    const client = await createClient(k.w.org.id);
    const consent = await k.drive(k.w.manager, 'recordConsent', { clientId: g('Client', client.id), category: 'GENERAL', granteeOrganizationId: g('Organization', k.w.elsewhere.id) });
    return expected([client.id], 'CREATE', 'Consent', rawId(consent.id));
  },
  async revokeConsent(k) {
    const client = await createClient(k.w.org.id);
    const consent = await k.call(k.w.manager, 'recordConsent', { clientId: g('Client', client.id), category: 'MENTAL_HEALTH', granteeOrganizationId: g('Organization', k.w.elsewhere.id) });
    await k.drive(k.w.manager, 'revokeConsent', { consentId: consent.id, reason: 'The client withdrew it' });
    return expected([client.id], 'STATUS_CHANGE', 'Consent', rawId(consent.id));
  },
  async recordAssessment(k) {
    const { client, kase } = await k.freshCase();
    const assessment = await k.drive(k.w.manager, 'recordAssessment', {
      caseId: g('Case', kase.id), type: 'NEEDS', performedAt: now(), sources: ['CLIENT_INTERVIEW'], riskLevel: 'MODERATE', needScores: [{ domain: 'HOUSING', severity: 2 }],
    });
    return expected([client.id], 'CREATE', 'Assessment', rawId(assessment.id));
  },
  async markAssessmentEnteredInError(k) {
    const { client, kase } = await k.freshCase();
    const assessment = await k.call(k.w.manager, 'recordAssessment', { caseId: g('Case', kase.id), type: 'RISK', performedAt: now(), sources: ['RECORDS'], riskLevel: 'HIGH' });
    await k.drive(k.w.manager, 'markAssessmentEnteredInError', { assessmentId: assessment.id, reason: 'Recorded on the wrong client' });
    return expected([client.id], 'STATUS_CHANGE', 'Assessment', rawId(assessment.id));
  },
  async recordInteraction(k) {
    const { client, kase } = await k.freshCase();
    const interaction = await k.drive(k.w.manager, 'recordInteraction', { caseId: g('Case', kase.id), type: 'PHONE_CALL', occurredAt: now(), durationMinutes: 15, summary: 'Called about the tenancy' });
    return expected([client.id], 'CREATE', 'Interaction', rawId(interaction.id));
  },
  async markInteractionEnteredInError(k) {
    const { client, kase } = await k.freshCase();
    const interaction = await createInteraction(kase.id, client.id, k.w.manager.id);
    await k.drive(k.w.manager, 'markInteractionEnteredInError', { interactionId: g('Interaction', interaction.id), reason: 'Recorded on the wrong case' });
    return expected([client.id], 'UPDATE', 'Interaction', interaction.id);
  },
  async raiseCrisis(k) {
    const { client, kase } = await k.freshCase();
    const crisis = await k.drive(k.w.manager, 'raiseCrisis', {
      clientId: g('Client', client.id), caseId: g('Case', kase.id), category: 'MENTAL_HEALTH', severity: 'HIGH', description: 'Acute distress reported by the family',
    });
    return expected([client.id], 'CREATE', 'CrisisEvent', rawId(crisis.id));
  },
  async acknowledgeCrisis(k) {
    const { client, crisis } = await crisisOnCase(k);
    await k.drive(k.w.manager, 'acknowledgeCrisis', { crisisId: g('CrisisEvent', crisis.id) });
    return expected([client.id], 'STATUS_CHANGE', 'CrisisEvent', crisis.id);
  },
  async changeCrisisStatus(k) {
    const { client, crisis } = await crisisOnCase(k);
    await k.drive(k.w.manager, 'changeCrisisStatus', { crisisId: g('CrisisEvent', crisis.id), status: 'RESPONDING', responsePlan: 'Safety plan with the family' });
    return expected([client.id], 'STATUS_CHANGE', 'CrisisEvent', crisis.id);
  },
  async addCrisisAction(k) {
    const { client, crisis } = await crisisOnCase(k);
    await k.drive(k.w.manager, 'addCrisisAction', { crisisId: g('CrisisEvent', crisis.id), action: 'Called the crisis line' });
    const entry = await prisma.crisisAction.findFirstOrThrow({ where: { crisisId: crisis.id } });
    return expected([client.id], 'CREATE', 'CrisisAction', entry.id);
  },
  async createReferral(k) {
    const { client, kase } = await k.freshCase();
    const { provider, service } = await k.freshProvider();
    const referral = await k.drive(k.w.manager, 'createReferral', {
      caseId: g('Case', kase.id), providerId: g('Provider', provider.id), serviceId: g('ProviderService', service.id), reason: 'Counselling for anxiety', urgency: 'URGENT',
    });
    return expected([client.id], 'CREATE', 'Referral', rawId(referral.id));
  },
  async sendReferral(k) {
    const { client, kase } = await k.freshCase();
    const referral = await seedReferral(kase, (await k.freshProvider()).provider.id, k.w.manager.id);
    await k.drive(k.w.manager, 'sendReferral', { referralId: g('Referral', referral.id) });
    return expected([client.id], 'STATUS_CHANGE', 'Referral', referral.id);
  },
  async updateReferralStatus(k) {
    const { client, kase } = await k.freshCase();
    const referral = await seedReferral(kase, (await k.freshProvider()).provider.id, k.w.manager.id, { status: 'SENT', sentAt: new Date() });
    await k.drive(k.w.manager, 'updateReferralStatus', { referralId: g('Referral', referral.id), status: 'ACCEPTED' });
    return expected([client.id], 'STATUS_CHANGE', 'Referral', referral.id);
  },
};
