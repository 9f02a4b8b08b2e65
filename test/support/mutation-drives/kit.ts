// What a drive of test/audit/every-mutation.test.ts works with: one organization and its staff,
// shared by every drive, fresh clients and cases for each, and the way to call a mutation. A
// drive performs its mutation once with `k.drive` (the request whose AuditEvents are checked,
// under a request id of its own) after whatever setup it needs (`k.call`, factories), and says
// what the audit trail should then hold.
import { randomUUID } from 'node:crypto';
import { prisma } from '../../../src/db.js';
import type { AuditAction } from '../../../src/generated/prisma/enums.js';
import { schema } from '../../../src/schema/index.js';
import { expectData, type TestApp } from '../app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff, globalId } from '../factories.js';

export interface Staffed {
  id: string;
  token: string;
}

export interface World {
  org: { id: string };
  manager: Staffed;
  nurse: Staffed;
  supervisor: Staffed;
  admin: Staffed;
  compliance: Staffed;
  colleague: Staffed;
  /** Another organization: a consent's grantee, and its clients are outside every care team of `org`. */
  elsewhere: { id: string };
}

/** What the AuditEvents of the driven request must say. */
export interface Expected {
  /** The clients the change concerns: every AuditEvent names one of them, each is named. Empty: it concerns none. */
  clients: string[];
  /** One of the AuditEvents records this change of this entity. */
  entry: { action: AuditAction; entityType: string; entityId: string };
}

export type Drive = (k: Kit) => Promise<Expected>;

/** The Expected of a change of `entityType` `entityId` concerning `clients` (none: `[]`). */
export function expected(clients: string[], action: AuditAction, entityType: string, entityId: string): Expected {
  return { clients, entry: { action, entityType, entityId } };
}

/** The row id behind a Relay global id. */
export function rawId(id: string): string {
  return Buffer.from(id, 'base64').toString().split(':')[1]!;
}

export const g = globalId;

export const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export async function buildWorld(t: TestApp): Promise<World> {
  const org = await createOrganization();
  const staffed = async (data: Parameters<typeof createStaff>[1]): Promise<Staffed> => {
    const staff = await createStaff(org.id, data);
    return { id: staff.id, token: await t.tokenFor(staff.id) };
  };
  return {
    org,
    manager: await staffed({ roles: ['CASE_MANAGER'] }),
    nurse: await staffed({ roles: ['NURSE'], discipline: 'MEDICAL' }),
    supervisor: await staffed({ roles: ['SUPERVISOR'] }),
    admin: await staffed({ roles: ['ADMIN'], discipline: 'ADMINISTRATIVE' }),
    compliance: await staffed({ roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' }),
    colleague: await staffed({ roles: ['CASE_MANAGER'] }),
    elsewhere: await createOrganization(),
  };
}

/** The name of a mutation's input type, as the schema has it. */
function inputTypeOf(field: string): string {
  const mutation = schema.getMutationType()!.getFields()[field];
  if (!mutation) throw new Error(`No mutation ${field}`);
  return String(mutation.args.find((arg) => arg.name === 'input')!.type);
}

export class Kit {
  /** The driven request: the mutation, its request id and who sent it. */
  performed: { field: string; requestId: string; actorId: string } | undefined;

  constructor(
    readonly t: TestApp,
    readonly w: World,
  ) {}

  /** A client of the organization with an ACTIVE case: the manager its primary, the nurse on its care team. */
  async freshCase() {
    const client = await createClient(this.w.org.id);
    const kase = await createCase(client.id, this.w.org.id, [{ staffId: this.w.manager.id }, { staffId: this.w.nurse.id, role: 'NURSE' }]);
    return { client, kase };
  }

  /** A provider of the shared directory with one service. */
  async freshProvider() {
    const provider = await createProvider({ kind: 'MENTAL_HEALTH' });
    const service = await prisma.providerService.create({
      data: { providerId: provider.id, serviceType: 'COUNSELLING', name: `Counselling ${randomUUID().slice(0, 6)}`, costPerUnit: '85.50', costUnit: 'session' },
    });
    return { provider, service };
  }

  /** Runs `field(input:)` as `as`, failing on any error; returns its result (`id`: the Node's global id). */
  async call(as: Staffed, field: string, input: Record<string, unknown>, selection = '... on Node { id }', headers: Record<string, string> = {}): Promise<any> {
    const query = `mutation($input: ${inputTypeOf(field)}) { ${field}(input: $input) { __typename ... on Error { code message } ${selection} } }`;
    const data = expectData<Record<string, any>>(await this.t.gql(query, { input }, { token: as.token, headers }));
    const result = data[field];
    if (result.code) throw new Error(`${field} answered ${result.__typename}: ${result.message}`);
    return result;
  }

  /** The call under test: like `call`, under a request id of its own. Once per drive. */
  async drive(as: Staffed, field: string, input: Record<string, unknown>, selection?: string): Promise<any> {
    if (this.performed) throw new Error('A drive performs its mutation once');
    this.performed = { field, requestId: randomUUID(), actorId: as.id };
    return this.call(as, field, input, selection, { 'x-request-id': this.performed.requestId });
  }
}
