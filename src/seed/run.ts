// State shared by the whole run: organizations, staff and providers that clients are attached
// to, the status quotas, and identifier counters. Chunks read it and, in order, update it.
import type { CarePlanStatus, CaseStatus, CrisisSeverity, CrisisStatus, ProviderKind, ReferralStatus, Setting, StaffRole } from '../generated/prisma/enums.js';
import type { OrganizationTemplate, Region } from './names.js';
import type { Random } from './random.js';

export interface StaffInfo {
  id: string;
  org: OrgInfo;
  role: StaffRole;
  teamIds: string[];
  supervisorId: string | null;
  active: boolean;
}

export interface OrgInfo {
  index: number;
  id: string;
  tpl: OrganizationTemplate;
  setting: Setting;
  region: Region;
  teamIds: string[];
  supervisor: StaffInfo;
  caseManagers: StaffInfo[];
  formerCaseManagers: StaffInfo[];
  /** `${teamId}|${role}` and `*|${role}` -> active staff. */
  byTeamRole: Map<string, StaffInfo[]>;
}

interface ServiceInfo {
  id: string;
  type: ProviderKind;
  cost: number | null;
  unit: string;
}

export interface ProviderInfo {
  id: string;
  kind: ProviderKind;
  region: string;
  services: ServiceInfo[];
}

/** Values not produced yet, forced on the first occasions so even a small data set shows every status. */
class Quota<T extends string> {
  private readonly missing: Set<T>;
  constructor(values: readonly T[]) {
    this.missing = new Set(values);
  }
  get complete(): boolean {
    return this.missing.size === 0;
  }
  take(allowed: readonly T[]): T | undefined {
    for (const value of allowed) if (this.missing.has(value)) return value;
    return undefined;
  }
  note(value: T): void {
    this.missing.delete(value);
  }
}

export const CASE_STATUSES: readonly CaseStatus[] = ['REFERRED', 'INTAKE', 'ASSESSMENT', 'ACTIVE', 'MONITORING', 'ON_HOLD', 'CLOSED'];
const REFERRAL_STATUSES: readonly ReferralStatus[] = ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW'];
export const CRISIS_STATUSES: readonly CrisisStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED', 'RESOLVED', 'CLOSED'];
const CRISIS_SEVERITIES: readonly CrisisSeverity[] = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'];
const PLAN_STATUSES: readonly CarePlanStatus[] = ['DRAFT', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'];

function statusQuotas() {
  return {
    caseStatus: new Quota(CASE_STATUSES),
    referralStatus: new Quota(REFERRAL_STATUSES),
    crisisStatus: new Quota(CRISIS_STATUSES),
    crisisSeverity: new Quota(CRISIS_SEVERITIES),
    planStatus: new Quota(PLAN_STATUSES),
  };
}
type Quotas = ReturnType<typeof statusQuotas>;

export interface Run {
  seed: number;
  clients: number;
  orgs: OrgInfo[];
  casey: StaffInfo;
  /** Share of Harbor's cases Casey is primary on: a caseload of about 70 at any size. */
  caseyShare: number;
  providers: ProviderInfo[];
  providersByKindRegion: Map<string, ProviderInfo[]>;
  providersByKind: Map<ProviderKind, ProviderInfo[]>;
  staffById: Map<string, StaffInfo>;
  quotas: Quotas;
  /** The same quotas over the demo case manager's own cases, so her queues show everything. */
  caseyQuotas: Quotas;
  identifierSeq: Map<string, number>;
}

export function createRun(seedNumber: number, clients: number): Run {
  return {
    seed: seedNumber,
    clients,
    orgs: [],
    casey: undefined as unknown as StaffInfo,
    caseyShare: 0,
    providers: [],
    providersByKindRegion: new Map(),
    providersByKind: new Map(),
    staffById: new Map(),
    quotas: statusQuotas(),
    caseyQuotas: statusQuotas(),
    identifierSeq: new Map(),
  };
}

/** Picks a status: a still-missing one from `allowed` first (the demo user's, then anyone's), else by weight. */
export function chooseStatus<T extends string>(
  rng: Random,
  quotas: Quota<T>[],
  weights: Readonly<Partial<Record<T, number>>>,
): T {
  const allowed = Object.keys(weights) as T[];
  let value: T | undefined;
  for (const quota of quotas) {
    value = quota.take(allowed);
    if (value) break;
  }
  value ??= rng.weightedKey(weights);
  for (const quota of quotas) quota.note(value);
  return value;
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
