// What the generators of one chunk share: the chunk itself, and the client and case being built.
import type { CaseStatus, ClientStatus, NeedDomain, ReferralStatus, Relationship, RiskLevel } from '../generated/prisma/enums.js';
import type { CultureKey, Region } from './names.js';
import type { Random } from './random.js';
import type { OrgInfo, Run, StaffInfo } from './run.js';
import type { Batch } from './tables.js';

export type AgeGroup = 'child' | 'adult' | 'elder';

export interface Chunk {
  run: Run;
  rng: Random;
  /** Rows generated and not yet taken by the writer (see generateChunk). */
  rows: Batch;
  /** Paid caregivers in this chunk and how many clients each serves. */
  caregivers: { id: string; name: string; clients: number }[];
  remaining: number;
}

interface Address {
  region: Region;
  city: string;
  line: string;
  postalCode: string;
}

export interface Household {
  org: OrgInfo;
  culture: CultureKey;
  family: string;
  address: Address;
}

export interface Relation {
  personId: string;
  relationship: Relationship;
  livesWith: boolean;
  emergency: boolean;
  consentToShare: boolean;
  name: string;
}

export interface ClientCtx {
  id: string;
  org: OrgInfo;
  region: string;
  born: number;
  group: AgeGroup;
  status: ClientStatus;
  relations: Relation[];
  /** Base need severity per domain at the first contact. */
  needs: Map<NeedDomain, number>;
  latestAssessment: { at: number; risk: RiskLevel } | null;
  openCrisisRisk: RiskLevel;
  /** Providers referred to, for consents. */
  referredProviders: { providerId: string; domain: NeedDomain; at: number }[];
  cases: CaseCtx[];
  firstActivity: number;
  lastActivity: number;
  pcm: StaffInfo | null;
}

export interface InteractionInfo {
  id: string;
  at: number;
  staffId: string;
}

interface ReferralInfo {
  id: string;
  domain: NeedDomain;
  providerId: string;
  status: ReferralStatus;
  at: number;
}

export interface CaseCtx {
  id: string;
  client: ClientCtx;
  org: OrgInfo;
  status: CaseStatus;
  openedAt: number;
  closedAt: number | null;
  /** closedAt, or the reference date for an open case. */
  end: number;
  pcm: StaffInfo;
  teamId: string | null;
  members: StaffInfo[];
  interactions: InteractionInfo[];
  referrals: ReferralInfo[];
  isCasey: boolean;
}
