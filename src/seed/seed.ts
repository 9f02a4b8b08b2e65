// Deterministic seed data: organizations, staff, providers and, in chunks, clients with their
// families and the full history of their cases (assessments, plans, referrals, contacts,
// crises, follow-ups, tasks, consents).
//
// Same `seed` and `clients` => same rows and same ids: every value comes from a seeded
// generator (./random.ts) and every date is relative to REFERENCE_DATE, never the clock.
// Clients are generated and inserted a chunk at a time with createMany, so 100,000 clients
// never sit in memory together; within a chunk, tables go in foreign-key order.
import type { Db, PrismaClient } from '../db.js';
import { markOverdueAnnounced } from '../realtime/overdue.js';
import { DEFAULT_NO_CONTACT_DAYS } from '../services/work-queue.js';
import type { Prisma } from '../generated/prisma/client.js';
import type {
  AssessmentSource,
  AssessmentType,
  CarePlanStatus,
  CareTeamRole,
  CaseStatus,
  ClientStatus,
  ConsentCategory,
  ConsentStatus,
  CrisisCategory,
  CrisisSeverity,
  CrisisStatus,
  Discipline,
  FollowUpKind,
  FollowUpStatus,
  GoalAchievementStatus,
  GoalLifecycleStatus,
  HealthChange,
  InteractionType,
  InterventionStatus,
  NeedDomain,
  PlanReviewOutcome,
  ProviderKind,
  ReferralStatus,
  ReferralUrgency,
  Relationship,
  RiskLevel,
  Setting,
  StaffRole,
  TaskKind,
  TaskStatus,
} from '../generated/prisma/enums.js';
import {
  ADVOCACY_NOTES,
  CASE_SUMMARIES,
  CLOSURE_REASONS,
  CRISES,
  CULTURES,
  CULTURE_WEIGHTS,
  GOALS,
  INTERACTION_SUMMARIES,
  INTERVENTIONS,
  KINDS_FOR_NEED,
  NEED_NOTES,
  ORGANIZATIONS,
  PAYERS,
  PLACE_WORDS,
  PLAN_TITLES,
  PRACTITIONER_TITLES,
  PROVIDER_NAMES,
  REFERRAL_REASONS,
  REGIONS,
  RELATED_KINDS,
  RESTRICTED_SUMMARIES,
  REVIEW_SUMMARIES,
  SERVICES,
  STREETS,
  TASKS,
  type CrisisText,
  type CultureKey,
  type OrganizationTemplate,
  type Region,
} from './names.js';
import { Random } from './random.js';

// ------------------------------------------------------------------ public API

/** "Now" for the data set: every date is placed relative to it. */
export const REFERENCE_DATE = new Date('2026-11-01T09:00:00.000Z');

export const DEMO_CASE_MANAGER_EMAIL = 'casey.manager@casegraph.demo';

/** Fixed staff for demos and docs, one per kind of user. */
export const DEMO_STAFF_EMAILS = {
  caseManager: DEMO_CASE_MANAGER_EMAIL,
  supervisor: 'sam.supervisor@casegraph.demo',
  analyst: 'ana.analyst@casegraph.demo',
  complianceOfficer: 'cora.compliance@casegraph.demo',
  admin: 'adam.admin@casegraph.demo',
} as const;

export const DEFAULT_SEED = 42;
export const DEFAULT_CLIENTS = 1000;
export const DEMO_CLIENTS = 60;

export interface SeedOptions {
  clients?: number;
  seed?: number;
  onProgress?: (message: string) => void;
}

/** Rows written per table (`goalInteraction` is the Goal <-> Interaction link table). */
export type SeedSummary = Record<TableKey, number>;

export async function seed(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const clients = options.clients ?? DEFAULT_CLIENTS;
  const seedNumber = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`clients must be a positive whole number (got ${clients})`);
  const progress = options.onProgress ?? (() => {});
  const summary = emptySummary();

  const run = createRun(seedNumber, clients);
  const types = await readColumnTypes(db);
  const fixtures = buildFixtures(run);
  await insertBatch(db, types, fixtures, summary);
  progress(`organizations, ${fixtures.staffMember.length} staff and ${fixtures.provider.length} providers written`);

  // Chunks never reference each other: the next one is generated (and its writing started)
  // while the previous one is still being written.
  const chunkCount = Math.ceil(clients / CHUNK_CLIENTS);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let done = 0;
  for (let k = 0; k < chunkCount && failure === undefined; k++) {
    const size = Math.min(CHUNK_CLIENTS, clients - k * CHUNK_CLIENTS);
    const batch = generateChunk(run, k, size);
    while (inFlight.size >= CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
    const writing: Promise<void> = insertBatch(db, types, batch, summary)
      .then(() => {
        done += size;
        progress(`clients ${done.toLocaleString('en-US')}/${clients.toLocaleString('en-US')}`);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(writing));
    inFlight.add(writing);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  // What fell due before the data set's "now" is its history, not news for the live work queue.
  await markOverdueAnnounced(db, REFERENCE_DATE, DEFAULT_NO_CONTACT_DAYS);
  return summary;
}

/** The small data set loaded into an empty database on a newcomer's first start. */
export async function seedDemo(prisma: PrismaClient): Promise<SeedSummary> {
  // One transaction: a start interrupted half-way leaves an empty database, seeded next time.
  return prisma.$transaction((tx) => seed(tx, { clients: DEMO_CLIENTS, seed: DEFAULT_SEED }), {
    timeout: 300_000,
    maxWait: 30_000,
  });
}

/** True when no organization, staff member, client or provider exists yet. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const found = await Promise.all([
    db.organization.findFirst({ select: { id: true } }),
    db.staffMember.findFirst({ select: { id: true } }),
    db.client.findFirst({ select: { id: true } }),
    db.provider.findFirst({ select: { id: true } }),
  ]);
  return found.every((row) => row === null);
}

// ------------------------------------------------------------------ batches

const CHUNK_CLIENTS = 1000;
const CHUNKS_IN_FLIGHT = 2;
const ROWS_PER_STATEMENT = 5000;

interface Batch {
  organization: Prisma.OrganizationCreateManyInput[];
  team: Prisma.TeamCreateManyInput[];
  staffMember: Prisma.StaffMemberCreateManyInput[];
  teamMembership: Prisma.TeamMembershipCreateManyInput[];
  provider: Prisma.ProviderCreateManyInput[];
  providerService: Prisma.ProviderServiceCreateManyInput[];
  relatedPerson: Prisma.RelatedPersonCreateManyInput[];
  client: Prisma.ClientCreateManyInput[];
  clientIdentifier: Prisma.ClientIdentifierCreateManyInput[];
  clientRelationship: Prisma.ClientRelationshipCreateManyInput[];
  case: Prisma.CaseCreateManyInput[];
  careTeamMember: Prisma.CareTeamMemberCreateManyInput[];
  assessment: Prisma.AssessmentCreateManyInput[];
  needScore: Prisma.NeedScoreCreateManyInput[];
  carePlan: Prisma.CarePlanCreateManyInput[];
  carePlanRevision: Prisma.CarePlanRevisionCreateManyInput[];
  goal: Prisma.GoalCreateManyInput[];
  goalProgress: Prisma.GoalProgressCreateManyInput[];
  intervention: Prisma.InterventionCreateManyInput[];
  planReview: Prisma.PlanReviewCreateManyInput[];
  referral: Prisma.ReferralCreateManyInput[];
  referralEvent: Prisma.ReferralEventCreateManyInput[];
  interaction: Prisma.InteractionCreateManyInput[];
  interactionParticipant: Prisma.InteractionParticipantCreateManyInput[];
  /** Implicit Goal <-> Interaction table: "A" is the goal, "B" the interaction. */
  goalInteraction: { A: string; B: string }[];
  crisisEvent: Prisma.CrisisEventCreateManyInput[];
  crisisAction: Prisma.CrisisActionCreateManyInput[];
  followUp: Prisma.FollowUpCreateManyInput[];
  task: Prisma.TaskCreateManyInput[];
  consent: Prisma.ConsentCreateManyInput[];
  approval: Prisma.ApprovalCreateManyInput[];
  caseTransfer: Prisma.CaseTransferCreateManyInput[];
}

type TableKey = keyof Batch;

/** Foreign-key order: a table only references tables of earlier levels (or itself, earlier rows). */
const INSERT_LEVELS: readonly (readonly TableKey[])[] = [
  ['organization', 'provider', 'relatedPerson'],
  ['team', 'staffMember', 'providerService', 'client'],
  ['teamMembership', 'clientIdentifier', 'clientRelationship', 'case'],
  ['careTeamMember', 'assessment', 'carePlan', 'referral', 'interaction', 'crisisEvent', 'followUp', 'task', 'consent', 'caseTransfer', 'approval'],
  ['needScore', 'goal', 'planReview', 'carePlanRevision', 'referralEvent', 'interactionParticipant', 'crisisAction'],
  ['goalProgress', 'intervention', 'goalInteraction'],
];

const TABLES = INSERT_LEVELS.flat();

function emptyBatch(): Batch {
  return Object.fromEntries(TABLES.map((t) => [t, []])) as unknown as Batch;
}

function emptySummary(): SeedSummary {
  return Object.fromEntries(TABLES.map((t) => [t, 0])) as SeedSummary;
}

/** Database table of each batch key ("A" = Goal id, "B" = Interaction id in the implicit link table). */
function tableName(table: TableKey): string {
  return table === 'goalInteraction' ? '_GoalToInteraction' : table.charAt(0).toUpperCase() + table.slice(1);
}

/** table -> column -> SQL type, read from the database so the casts always match the migrations. */
type ColumnTypes = Map<string, Map<string, { type: string; isArray: boolean }>>;

async function readColumnTypes(db: Db): Promise<ColumnTypes> {
  const columns = await db.$queryRaw<{ table_name: string; column_name: string; data_type: string; udt_name: string }[]>`
    SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = current_schema()`;
  const types: ColumnTypes = new Map();
  for (const c of columns) {
    const isArray = c.data_type === 'ARRAY';
    const udt = isArray ? c.udt_name.slice(1) : c.udt_name;
    const type = c.data_type === 'USER-DEFINED' || (isArray && /[A-Z]/.test(udt)) ? `"${udt}"` : udt;
    if (!types.has(c.table_name)) types.set(c.table_name, new Map());
    types.get(c.table_name)!.set(c.column_name, { type, isArray });
  }
  return types;
}

async function insertBatch(db: Db, types: ColumnTypes, batch: Batch, summary: SeedSummary): Promise<void> {
  for (const level of INSERT_LEVELS) {
    await Promise.all(level.map((table) => insertTable(db, types, table, batch[table], summary)));
  }
}

/**
 * Inserts rows a few thousand per statement as one `INSERT ... SELECT FROM unnest($1, $2, ...)`:
 * one array parameter per column. Measured here it is about ten times faster than
 * `createMany`, whose per-row work in the Prisma client dominates at 100,000 clients.
 */
async function insertTable<K extends TableKey>(db: Db, types: ColumnTypes, table: K, rows: Batch[K], summary: SeedSummary): Promise<void> {
  const first = rows[0] as Record<string, unknown> | undefined;
  if (!first) return;
  const name = tableName(table);
  const columnTypes = types.get(name);
  if (!columnTypes) throw new Error(`table ${name} not found: is the database migrated?`);
  const columns = Object.keys(first);
  const specs = columns.map((column) => {
    const spec = columnTypes.get(column);
    if (!spec) throw new Error(`column ${name}.${column} not found: is the database migrated?`);
    return spec;
  });
  // Array and JSON columns travel as text (unnest would flatten a two-dimensional array).
  const asText = (s: { type: string; isArray: boolean }) => s.isArray || s.type === 'jsonb' || s.type === 'json';
  const sql =
    `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(', ')}) ` +
    `SELECT ${columns.map((c, i) => (asText(specs[i]!) ? `"${c}"::${specs[i]!.type}${specs[i]!.isArray ? '[]' : ''}` : `"${c}"`)).join(', ')} ` +
    `FROM unnest(${specs.map((s, i) => `$${i + 1}::${asText(s) ? 'text' : s.type}[]`).join(', ')}) AS u(${columns.map((c) => `"${c}"`).join(', ')})`;
  // Slices of one table go one after the other: later rows may reference earlier ones.
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const slice = rows.slice(i, i + ROWS_PER_STATEMENT) as Record<string, unknown>[];
    const params = columns.map((column, c) => slice.map((row) => toParam(row[column], specs[c]!.isArray, name, row, columns.length)));
    await db.$executeRawUnsafe(sql, ...params);
  }
  summary[table] += rows.length;
}

function toParam(value: unknown, isArray: boolean, table: string, row: Record<string, unknown>, width: number): unknown {
  if (value === undefined) {
    if (Object.keys(row).length !== width) throw new Error(`${table} rows must all have the same fields`);
    return null;
  }
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (isArray) return `{${(value as unknown[]).map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

// ------------------------------------------------------------------ time

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const REF = REFERENCE_DATE.getTime();
const at = (ms: number) => new Date(ms);
const stamp = (created: number, updated: number = created) => ({ createdAt: at(created), updatedAt: at(Math.max(created, updated)) });

/**
 * Ids are UUIDv7-shaped with a made-up time per chunk (fixtures first, then chunk by chunk):
 * each chunk's keys are then contiguous in every B-tree index, which keeps large runs from
 * slowing down as the indexes outgrow PostgreSQL's buffers (random v4 ids made a
 * 30,000-client run take a quarter longer here).
 */
const idTime = (chunk: number) => REF + 1 + chunk;

// ------------------------------------------------------------------ run state

interface StaffInfo {
  id: string;
  org: OrgInfo;
  role: StaffRole;
  teamIds: string[];
  supervisorId: string | null;
  active: boolean;
}

interface OrgInfo {
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

interface ProviderInfo {
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

const CASE_STATUSES: readonly CaseStatus[] = ['REFERRED', 'INTAKE', 'ASSESSMENT', 'ACTIVE', 'MONITORING', 'ON_HOLD', 'CLOSED'];
const REFERRAL_STATUSES: readonly ReferralStatus[] = ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'NO_SHOW'];
const CRISIS_STATUSES: readonly CrisisStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED', 'RESOLVED', 'CLOSED'];
const CRISIS_SEVERITIES: readonly CrisisSeverity[] = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'];
const PLAN_STATUSES: readonly CarePlanStatus[] = ['DRAFT', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'];
const RISK_ORDER: readonly RiskLevel[] = ['LOW', 'MODERATE', 'HIGH', 'IMMINENT'];
const NEED_DOMAINS: readonly NeedDomain[] = ['PHYSICAL_HEALTH', 'MENTAL_HEALTH', 'SUBSTANCE_USE', 'HOUSING', 'EMPLOYMENT', 'FINANCIAL', 'FOOD', 'SOCIAL_SUPPORT', 'SAFETY', 'LEGAL', 'EDUCATION', 'TRANSPORTATION'];

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

interface Run {
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

function createRun(seedNumber: number, clients: number): Run {
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
function chooseStatus<T extends string>(
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

// ------------------------------------------------------------------ people helpers

interface PersonName {
  given: string;
  family: string;
  gender: 'female' | 'male' | 'non-binary';
  culture: CultureKey;
}

function personName(rng: Random, culture: CultureKey, gender?: PersonName['gender'], family?: string): PersonName {
  const c = CULTURES[culture];
  const g = gender ?? rng.weighted<PersonName['gender']>([['female', 49], ['male', 49], ['non-binary', 2]]);
  const list = g === 'female' ? c.female : g === 'male' ? c.male : rng.chance(0.5) ? c.female : c.male;
  return { given: rng.pick(list), family: family ?? rng.pick(c.family), gender: g, culture };
}

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function phone(rng: Random, region: Region): string {
  return `(${region.areaCode}) 555-${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

function street(rng: Random): string {
  const line = `${rng.int(10, 9899)} ${rng.pick(STREETS)}`;
  return rng.chance(0.3) ? `${line}, Apt ${rng.int(1, 30)}${rng.pick(['', 'A', 'B', 'C'])}` : line;
}

function postalCode(rng: Random, region: Region): string {
  return `${region.postalPrefix}${String(rng.int(0, 99)).padStart(2, '0')}`;
}

function regionNamed(name: string): Region {
  const region = REGIONS.find((r) => r.name === name);
  if (!region) throw new Error(`unknown region ${name}`);
  return region;
}

// ------------------------------------------------------------------ fixtures

interface StaffSlot {
  roles: StaffRole[];
  discipline: Discipline;
  count: number;
}

const slot = (roles: StaffRole[], discipline: Discipline, count = 1): StaffSlot => ({ roles, discipline, count });

/** Staff of each organization at the base size (about 50 in all, with the fixed demo staff). */
const BASE_STAFF: Readonly<Record<string, readonly StaffSlot[]>> = {
  harbor: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL', 2), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
  riverside: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['CASE_MANAGER', 'NURSE'], 'MEDICAL'), slot(['SOCIAL_WORKER'], 'SOCIAL', 2), slot(['NURSE'], 'MEDICAL', 2), slot(['PHYSICIAN'], 'MEDICAL'), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['ANALYST'], 'ADMINISTRATIVE')],
  northside: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['COUNSELOR'], 'BEHAVIORAL', 2), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
  eastgate: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['NURSE'], 'MEDICAL'), slot(['PHYSICIAN'], 'MEDICAL'), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['COMPLIANCE_OFFICER'], 'ADMINISTRATIVE')],
  valley: [slot(['CASE_MANAGER', 'NURSE'], 'MEDICAL'), slot(['CASE_MANAGER'], 'SOCIAL'), slot(['NURSE'], 'MEDICAL', 3), slot(['SOCIAL_WORKER'], 'SOCIAL')],
  westfield: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
};

/** Clinical roles added alongside extra case managers at large sizes. */
const CLINICIAN_ROLES: Readonly<Record<Setting, readonly [StaffRole, Discipline][]>> = {
  HOSPITAL: [['NURSE', 'MEDICAL'], ['SOCIAL_WORKER', 'SOCIAL'], ['PHYSICIAN', 'MEDICAL']],
  SCHOOL: [['COUNSELOR', 'BEHAVIORAL'], ['SOCIAL_WORKER', 'SOCIAL'], ['PSYCHOLOGIST', 'BEHAVIORAL']],
  CORRECTIONAL: [['NURSE', 'MEDICAL'], ['COUNSELOR', 'BEHAVIORAL'], ['SOCIAL_WORKER', 'SOCIAL']],
  COMMUNITY: [['SOCIAL_WORKER', 'SOCIAL'], ['COUNSELOR', 'BEHAVIORAL'], ['NURSE', 'MEDICAL']],
  HOME_HEALTH: [['NURSE', 'MEDICAL'], ['NURSE', 'MEDICAL'], ['SOCIAL_WORKER', 'SOCIAL']],
  OTHER: [['SOCIAL_WORKER', 'SOCIAL']],
};

const FIXED_STAFF = {
  casey: { given: 'Casey', family: 'Morgan', email: DEMO_STAFF_EMAILS.caseManager, roles: ['CASE_MANAGER'], discipline: 'SOCIAL' },
  sam: { given: 'Sam', family: 'Ortega', email: DEMO_STAFF_EMAILS.supervisor, roles: ['SUPERVISOR', 'SOCIAL_WORKER'], discipline: 'SOCIAL' },
  ana: { given: 'Ana', family: 'Lindqvist', email: DEMO_STAFF_EMAILS.analyst, roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' },
  cora: { given: 'Cora', family: 'Bennett', email: DEMO_STAFF_EMAILS.complianceOfficer, roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' },
  adam: { given: 'Adam', family: 'Okafor', email: DEMO_STAFF_EMAILS.admin, roles: ['ADMIN'], discipline: 'ADMINISTRATIVE' },
} as const satisfies Record<string, { given: string; family: string; email: string; roles: StaffRole[]; discipline: Discipline }>;

const STAFF_CULTURES: readonly (readonly [CultureKey, number])[] = [['en', 64], ['es', 18], ['vi', 4], ['zh', 4], ['tl', 4], ['ar', 3], ['so', 1], ['pl', 2]];

/** Extra case managers beyond 1,000 clients: one per ~40 clients keeps caseloads plausible. */
function extraCaseManagers(clients: number): number {
  return clients > 1000 ? Math.ceil((clients - 1000) / 40) : 0;
}

function buildFixtures(run: Run): Batch {
  const rng = new Random(`${run.seed}/fixtures`, idTime(-1));
  const rows = emptyBatch();
  const emails = new Set<string>();
  for (const tpl of ORGANIZATIONS) addOrganization(run, rng, rows, tpl, emails);
  addProviders(run, rng, rows);
  addStaffTasks(rng, rows);

  const harbor = run.orgs.find((o) => o.tpl.key === 'harbor');
  const totalWeight = ORGANIZATIONS.reduce((sum, o) => sum + o.weight, 0);
  const expectedHarborCases = run.clients * ((harbor?.tpl.weight ?? 0) / totalWeight) * 1.3;
  run.caseyShare = Math.min(0.7, 70 / Math.max(1, expectedHarborCases));
  return rows;
}

function addOrganization(run: Run, rng: Random, rows: Batch, tpl: OrganizationTemplate, emails: Set<string>): void {
  const created = REF - rng.int(4 * 365, 8 * 365) * DAY;
  const id = rng.uuid();
  rows.organization.push({
    id,
    name: tpl.name,
    setting: tpl.setting,
    region: tpl.region,
    approvalRequiredFor: [...tpl.approvalRequiredFor],
    ...stamp(created),
  });
  const teamIds = tpl.teams.map((name) => {
    const teamId = rng.uuid();
    rows.team.push({ id: teamId, organizationId: id, name, region: tpl.region, ...stamp(created + rng.int(1, 60) * DAY) });
    return teamId;
  });
  const org: OrgInfo = {
    index: run.orgs.length,
    id,
    tpl,
    setting: tpl.setting,
    region: regionNamed(tpl.region),
    teamIds,
    supervisor: undefined as unknown as StaffInfo,
    caseManagers: [],
    formerCaseManagers: [],
    byTeamRole: new Map(),
  };
  run.orgs.push(org);
  addOrganizationStaff(run, rng, rows, org, emails);
}

function addOrganizationStaff(run: Run, rng: Random, rows: Batch, org: OrgInfo, emails: Set<string>): void {
  const isHarbor = org.tpl.key === 'harbor';
  let teamCursor = 0;
  const nextTeam = () => org.teamIds[teamCursor++ % org.teamIds.length] as string;

  const add = (roles: StaffRole[], discipline: Discipline, options: { supervisorId: string | null; teamIds: string[]; fixed?: { given: string; family: string; email: string }; active?: boolean }) => {
    const name = options.fixed ?? staffName(rng, org, emails);
    emails.add(name.email);
    const info: StaffInfo = { id: rng.uuid(), org, role: roles[0] as StaffRole, teamIds: options.teamIds, supervisorId: options.supervisorId, active: options.active ?? true };
    const hired = REF - rng.int(120, 8 * 365) * DAY;
    rows.staffMember.push({
      id: info.id,
      organizationId: org.id,
      givenName: name.given,
      familyName: name.family,
      email: name.email,
      phone: phone(rng, org.region),
      roles,
      discipline,
      active: info.active,
      supervisorId: options.supervisorId,
      ...stamp(hired, info.active ? hired : REF - rng.int(30, 300) * DAY),
    });
    for (const teamId of options.teamIds) {
      rows.teamMembership.push({ id: rng.uuid(), teamId, staffId: info.id, role: info.role, startedAt: at(hired), endedAt: null, ...stamp(hired) });
    }
    run.staffById.set(info.id, info);
    if (info.active) indexStaff(org, info);
    return info;
  };

  // Supervisors first: staff rows reference them.
  org.supervisor = isHarbor
    ? add([...FIXED_STAFF.sam.roles], FIXED_STAFF.sam.discipline, { supervisorId: null, teamIds: org.teamIds, fixed: FIXED_STAFF.sam })
    : add(['SUPERVISOR', 'SOCIAL_WORKER'], 'SOCIAL', { supervisorId: null, teamIds: org.teamIds });
  const supervisorId = org.supervisor.id;

  if (isHarbor) {
    run.casey = add([...FIXED_STAFF.casey.roles], FIXED_STAFF.casey.discipline, { supervisorId, teamIds: [org.teamIds[0] as string], fixed: FIXED_STAFF.casey });
    teamCursor = 1;
    for (const fixed of [FIXED_STAFF.ana, FIXED_STAFF.cora, FIXED_STAFF.adam]) {
      add([...fixed.roles], fixed.discipline, { supervisorId: null, teamIds: [], fixed });
    }
    // A case manager who has left: still primary on some closed cases.
    org.formerCaseManagers.push(add(['CASE_MANAGER'], 'SOCIAL', { supervisorId, teamIds: [], active: false }));
  }
  for (const s of BASE_STAFF[org.tpl.key] ?? []) {
    for (let i = 0; i < s.count; i++) {
      const administrative = s.discipline === 'ADMINISTRATIVE';
      const teamIds = administrative ? [] : [nextTeam()];
      if (!administrative && org.teamIds.length > 1 && rng.chance(0.25)) {
        const second = rng.pick(org.teamIds.filter((t) => !teamIds.includes(t)));
        teamIds.push(second);
      }
      const info = add(s.roles, s.discipline, { supervisorId: administrative ? null : supervisorId, teamIds });
      if (s.roles.includes('CASE_MANAGER')) org.caseManagers.push(info);
    }
  }
  addScaledStaff(run, rng, org, add);
}

/** At large sizes: more case managers, clinicians alongside them, and a supervisor per ten. */
function addScaledStaff(
  run: Run,
  rng: Random,
  org: OrgInfo,
  add: (roles: StaffRole[], discipline: Discipline, options: { supervisorId: string | null; teamIds: string[] }) => StaffInfo,
): void {
  const totalWeight = ORGANIZATIONS.reduce((sum, o) => sum + o.weight, 0);
  const managers = Math.round((extraCaseManagers(run.clients) * org.tpl.weight) / totalWeight);
  if (managers === 0) return;
  const clinicians = Math.ceil(managers / 3);
  const roles = CLINICIAN_ROLES[org.setting];
  for (let s = 0; s * 10 < managers + clinicians; s++) {
    const teamId = org.teamIds[s % org.teamIds.length] as string;
    const supervisor = add(['SUPERVISOR', 'SOCIAL_WORKER'], 'SOCIAL', { supervisorId: org.supervisor.id, teamIds: [teamId] });
    for (let i = s * 10; i < Math.min(managers + clinicians, (s + 1) * 10); i++) {
      if (i < managers) {
        org.caseManagers.push(add(['CASE_MANAGER'], 'SOCIAL', { supervisorId: supervisor.id, teamIds: [teamId] }));
      } else {
        const [role, discipline] = rng.pick(roles);
        add([role], discipline, { supervisorId: supervisor.id, teamIds: [teamId] });
      }
    }
  }
}

function indexStaff(org: OrgInfo, info: StaffInfo): void {
  for (const key of [...info.teamIds, '*'].map((t) => `${t}|${info.role}`)) {
    const list = org.byTeamRole.get(key);
    if (list) list.push(info);
    else org.byTeamRole.set(key, [info]);
  }
}

function staffName(rng: Random, org: OrgInfo, emails: Set<string>): { given: string; family: string; email: string } {
  const name = personName(rng, rng.weighted(STAFF_CULTURES), rng.chance(0.7) ? 'female' : 'male');
  const base = `${ascii(name.given)}.${ascii(name.family)}`;
  let email = `${base}@${org.tpl.domain}`;
  for (let n = 2; emails.has(email); n++) email = `${base}${n}@${org.tpl.domain}`;
  return { given: name.given, family: name.family, email };
}

/** Work not tied to a case: training, reports. */
function addStaffTasks(rng: Random, rows: Batch): void {
  for (const staff of rows.staffMember) {
    if (!staff.active || !rng.chance(0.2) || !staff.id) continue;
    const created = REF - rng.int(1, 40) * DAY;
    const status = rng.weightedKey<TaskStatus>({ REQUESTED: 3, IN_PROGRESS: 2, COMPLETED: 4 });
    rows.task.push({
      id: rng.uuid(),
      caseId: null,
      assigneeId: staff.id,
      createdById: null,
      kind: 'FORM',
      title: rng.pick(['Complete annual confidentiality training', 'Submit monthly caseload statistics', 'Review updated consent policy']),
      description: null,
      dueAt: at(created + rng.int(7, 30) * DAY),
      status,
      completedAt: status === 'COMPLETED' ? at(rng.timeBetween(created, REF)) : null,
      version: status === 'REQUESTED' ? 1 : 2,
      ...stamp(created),
    });
  }
}

// ------------------------------------------------------------------ providers

const PROVIDER_COUNT = 150;
const PROVIDER_KIND_WEIGHTS: Readonly<Record<ProviderKind, number>> = {
  MEDICAL: 18, MENTAL_HEALTH: 16, SUBSTANCE_USE: 10, HOUSING: 14, EMPLOYMENT: 9, FINANCIAL: 8, LEGAL: 7,
  COUNSELLING: 12, EDUCATION: 8, FOOD: 10, TRANSPORT: 7, CHILDCARE: 6, OTHER: 5,
};
const PROVIDER_KINDS = Object.keys(PROVIDER_KIND_WEIGHTS) as ProviderKind[];

function addProviders(run: Run, rng: Random, rows: Batch): void {
  const names = new Set<string>();
  for (let i = 0; i < PROVIDER_COUNT; i++) {
    // The first providers cover every kind in every region, so a need always finds local options.
    const combos = PROVIDER_KINDS.length * REGIONS.length;
    const kind = i < combos ? (PROVIDER_KINDS[i % PROVIDER_KINDS.length] as ProviderKind) : rng.weightedKey(PROVIDER_KIND_WEIGHTS);
    const region = i < combos ? (REGIONS[Math.floor(i / PROVIDER_KINDS.length)] as Region) : rng.pick(REGIONS);
    addProvider(run, rng, rows, kind, region, names);
  }
}

function addProvider(run: Run, rng: Random, rows: Batch, kind: ProviderKind, region: Region, names: Set<string>): void {
  const titles = PRACTITIONER_TITLES[kind];
  const isOrganization = !titles || rng.chance(0.8);
  const city = rng.pick(region.cities);
  let name = '';
  for (let attempt = 0; attempt < 10 && (!name || names.has(name)); attempt++) {
    if (isOrganization) {
      const place = rng.chance(0.6) ? rng.pick(region.cities) : rng.pick(PLACE_WORDS);
      name = rng.pick(PROVIDER_NAMES[kind]).replace('{place}', place);
    } else {
      const person = personName(rng, rng.weighted(STAFF_CULTURES));
      const title = rng.pick(titles ?? ['']);
      name = title === 'MD' || title === 'DO' ? `Dr. ${person.given} ${person.family}` : `${person.given} ${person.family}, ${title}`;
    }
  }
  if (names.has(name)) name = `${name} (${city})`;
  names.add(name);

  const id = rng.uuid();
  const created = REF - rng.int(200, 3000) * DAY;
  const languages = ['en', ...rng.sample(CULTURE_WEIGHTS.map(([c]) => CULTURES[c].language).filter((l) => l !== 'en'), rng.weighted([[0, 4], [1, 4], [2, 2], [3, 1]]))];
  rows.provider.push({
    id,
    name,
    kind,
    isOrganization,
    region: region.name,
    addressLine: street(rng),
    city,
    latitude: Math.round((region.latitude + rng.float(-0.08, 0.08)) * 1e5) / 1e5,
    longitude: Math.round((region.longitude + rng.float(-0.1, 0.1)) * 1e5) / 1e5,
    phone: phone(rng, region),
    email: `intake@${ascii(name).slice(0, 24)}.example.org`,
    languages,
    acceptingNewClients: rng.chance(0.85),
    active: rng.chance(0.96),
    ...stamp(created, created + rng.int(0, 150) * DAY),
  });
  const info: ProviderInfo = { id, kind, region: region.name, services: [] };
  addServices(rng, rows, info, created, isOrganization ? rng.int(1, 4) : rng.int(1, 2));
  run.providers.push(info);
  pushTo(run.providersByKindRegion, `${kind}|${region.name}`, info);
  for (const k of new Set(info.services.map((s) => s.type))) pushTo(run.providersByKind, k, info);
  if (!info.services.some((s) => s.type === kind)) pushTo(run.providersByKind, kind, info);
}

function addServices(rng: Random, rows: Batch, provider: ProviderInfo, created: number, count: number): void {
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const type = i === 0 || rng.chance(0.6) ? provider.kind : rng.pick(RELATED_KINDS[provider.kind]);
    const template = rng.pick(SERVICES[type]);
    if (used.has(template.name)) continue;
    used.add(template.name);
    const [low, high] = template.cost;
    const cost = high === 0 ? 0 : Math.round(rng.float(low, high) / 5) * 5;
    const capacity = rng.pick([8, 12, 20, 25, 40, 60, 100, 150]);
    const openSlots = rng.chance(0.2) ? 0 : rng.int(1, Math.max(1, Math.floor(capacity * 0.4)));
    const payers = cost === 0 ? ['No cost'] : rng.sample(PAYERS, rng.int(1, 4));
    const id = rng.uuid();
    rows.providerService.push({
      id,
      providerId: provider.id,
      serviceType: type,
      name: template.name,
      description: rng.chance(0.5) ? `${template.name} for adults and families in the ${provider.region} area.` : null,
      costPerUnit: cost,
      costUnit: template.unit,
      acceptedPayers: payers,
      capacity,
      openSlots,
      typicalWaitDays: rng.int(template.waitDays[0], template.waitDays[1]),
      active: rng.chance(0.95),
      ...stamp(created, created + rng.int(0, 400) * DAY),
    });
    provider.services.push({ id, type, cost: cost === 0 ? null : cost, unit: template.unit });
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ------------------------------------------------------------------ clients

type AgeGroup = 'child' | 'adult' | 'elder';

interface Chunk {
  run: Run;
  rng: Random;
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

interface Household {
  org: OrgInfo;
  culture: CultureKey;
  family: string;
  address: Address;
}

interface Relation {
  personId: string;
  relationship: Relationship;
  livesWith: boolean;
  emergency: boolean;
  consentToShare: boolean;
  name: string;
}

interface ClientCtx {
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

function generateChunk(run: Run, index: number, size: number): Batch {
  const chunk: Chunk = { run, rng: new Random(`${run.seed}/clients/${index}`, idTime(index)), rows: emptyBatch(), caregivers: [], remaining: size };
  while (chunk.remaining > 0) addHousehold(chunk);
  return chunk.rows;
}

const ORG_CULTURE_SHIFT: Readonly<Record<string, Partial<Record<CultureKey, number>>>> = {
  harbor: { so: 4, vi: 3, zh: 2 },
  eastgate: { es: 4 },
  westfield: { tl: 3, es: 3, ar: 2 },
};

function addHousehold(chunk: Chunk): void {
  const { run, rng } = chunk;
  const org = rng.weighted(run.orgs.map((o) => [o, o.tpl.weight] as const));
  const group = ageGroupFor(rng, org.setting);
  const shift = ORG_CULTURE_SHIFT[org.tpl.key] ?? {};
  const culture = rng.weighted(CULTURE_WEIGHTS.map(([c, w]) => [c, w + (shift[c] ?? 0)] as const));
  const region = rng.chance(0.8) ? org.region : rng.pick(REGIONS);
  const household: Household = {
    org,
    culture,
    family: rng.pick(CULTURES[culture].family),
    address: { region, city: rng.pick(region.cities), line: street(rng), postalCode: postalCode(rng, region) },
  };
  if (group === 'child') addChildHousehold(chunk, household);
  else if (group === 'elder') addElderHousehold(chunk, household);
  else addAdultHousehold(chunk, household);
}

function ageGroupFor(rng: Random, setting: Setting): AgeGroup {
  switch (setting) {
    case 'SCHOOL':
      return 'child';
    case 'CORRECTIONAL':
      return 'adult';
    case 'HOME_HEALTH':
      return rng.chance(0.8) ? 'elder' : 'adult';
    case 'HOSPITAL':
      return rng.weighted<AgeGroup>([['child', 10], ['adult', 50], ['elder', 40]]);
    default:
      return rng.weighted<AgeGroup>([['child', 15], ['adult', 65], ['elder', 20]]);
  }
}

/** Siblings who are clients share their parents (or the grandparent or guardian raising them). */
function addChildHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const children = Math.min(chunk.remaining, rng.weighted([[1, 78], [2, 18], [3, 4]]));
  const raisedBy = rng.weightedKey<Relationship>({ PARENT: 85, GRANDPARENT: 10, GUARDIAN: 5 });
  const relations: Relation[] = [];
  if (raisedBy === 'PARENT') {
    relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: true, emergency: true, family: h.family, gender: rng.chance(0.85) ? 'female' : 'male', age: 38 }));
    if (rng.chance(0.55)) relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: rng.chance(0.8), emergency: false, family: rng.chance(0.7) ? h.family : undefined, age: 40 }));
    if (rng.chance(0.25)) relations.push(relatedPerson(chunk, h, 'GRANDPARENT', { livesWith: false, emergency: false, age: 68 }));
  } else {
    const family = raisedBy === 'GRANDPARENT' ? h.family : undefined;
    relations.push(relatedPerson(chunk, h, raisedBy, { livesWith: true, emergency: true, family, gender: rng.chance(0.8) ? 'female' : 'male', age: raisedBy === 'GRANDPARENT' ? 64 : 45 }));
  }
  for (let i = 0; i < children; i++) addClient(chunk, h, 'child', relations.map((r) => ({ ...r })));
}

function addAdultHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const relations: Relation[] = [];
  if (rng.chance(0.4)) relations.push(relatedPerson(chunk, h, 'SPOUSE_PARTNER', { livesWith: rng.chance(0.85), emergency: true, age: 40 }));
  if (rng.chance(0.3)) relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: rng.chance(0.3), emergency: relations.length === 0, family: h.family, age: 62 }));
  if (rng.chance(0.25)) relations.push(relatedPerson(chunk, h, 'SIBLING', { livesWith: false, emergency: relations.length === 0, family: h.family, age: 38 }));
  if (rng.chance(0.15)) relations.push(relatedPerson(chunk, h, rng.chance(0.7) ? 'FRIEND' : 'NEIGHBOR', { livesWith: false, emergency: relations.length === 0, age: 40 }));
  // Sometimes two adult siblings are both clients and share the parent above.
  const clients = chunk.remaining >= 2 && relations.some((r) => r.relationship === 'PARENT') && rng.chance(0.12) ? 2 : 1;
  for (let i = 0; i < clients; i++) {
    const own = i === 0 ? relations : relations.filter((r) => r.relationship === 'PARENT');
    addClient(chunk, h, 'adult', own.map((r) => ({ ...r })));
  }
}

/** Older clients: adult children, a spouse, often a paid caregiver shared with another client. */
function addElderHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const relations: Relation[] = [];
  const childrenCount = rng.weighted([[0, 25], [1, 45], [2, 30]]);
  for (let i = 0; i < childrenCount; i++) {
    relations.push(relatedPerson(chunk, h, 'CHILD', { livesWith: rng.chance(0.15), emergency: i === 0, family: rng.chance(0.6) ? h.family : undefined, age: 50 }));
  }
  const couple = chunk.remaining >= 2 && rng.chance(0.12);
  const spouse = !couple && rng.chance(0.4) ? relatedPerson(chunk, h, 'SPOUSE_PARTNER', { livesWith: true, emergency: childrenCount === 0, family: h.family, age: 78 }) : null;
  if (spouse) relations.push(spouse);
  const caregiver = rng.chance(h.org.setting === 'HOME_HEALTH' ? 0.6 : 0.25) ? paidCaregiver(chunk, h) : null;
  if (caregiver) relations.push(caregiver);
  if (rng.chance(0.15)) relations.push(relatedPerson(chunk, h, 'NEIGHBOR', { livesWith: false, emergency: relations.length === 0, age: 60 }));
  for (let i = 0; i < (couple ? 2 : 1); i++) {
    addClient(chunk, h, 'elder', relations.map((r) => ({ ...r })));
  }
}

/** Caregivers in the chunk serve up to three clients each. */
function paidCaregiver(chunk: Chunk, h: Household): Relation {
  const { rng } = chunk;
  const available = chunk.caregivers.filter((c) => c.clients < 3);
  if (available.length > 0 && rng.chance(0.6)) {
    const reused = rng.pick(available);
    reused.clients += 1;
    return { personId: reused.id, relationship: 'CAREGIVER', livesWith: false, emergency: false, consentToShare: true, name: reused.name };
  }
  const relation = relatedPerson(chunk, { ...h, culture: rng.weighted(CULTURE_WEIGHTS) }, 'CAREGIVER', { livesWith: false, emergency: false, age: 45 });
  relation.consentToShare = true;
  chunk.caregivers.push({ id: relation.personId, name: relation.name, clients: 1 });
  return relation;
}

function relatedPerson(
  chunk: Chunk,
  h: Household,
  relationship: Relationship,
  options: { livesWith: boolean; emergency: boolean; family?: string; gender?: PersonName['gender']; age: number },
): Relation {
  const { rng } = chunk;
  const name = personName(rng, h.culture, options.gender ?? (rng.chance(0.5) ? 'female' : 'male'), options.family);
  const id = rng.uuid();
  const created = REF - rng.int(30, 2000) * DAY;
  const language = h.culture !== 'en' && rng.chance(options.age > 55 ? 0.8 : 0.5) ? CULTURES[h.culture].language : 'en';
  chunk.rows.relatedPerson.push({
    id,
    givenName: name.given,
    familyName: name.family,
    phone: rng.chance(0.92) ? phone(rng, h.address.region) : null,
    email: rng.chance(0.4) ? `${ascii(name.given)}.${ascii(name.family)}${rng.int(1, 99)}@example.com` : null,
    addressLine: options.livesWith ? h.address.line : rng.chance(0.5) ? street(rng) : null,
    preferredLanguage: language,
    ...stamp(created),
  });
  return { personId: id, relationship, livesWith: options.livesWith, emergency: options.emergency, consentToShare: rng.chance(0.6), name: `${name.given} ${name.family}` };
}

const IDENTIFIER_SYSTEM: Readonly<Record<Setting, { system: string; format: (n: number) => string } | null>> = {
  HOSPITAL: { system: 'MRN', format: (n) => `RGH${String(n).padStart(7, '0')}` },
  HOME_HEALTH: { system: 'MRN', format: (n) => `VHH${String(n).padStart(7, '0')}` },
  SCHOOL: { system: 'SCHOOL_ID', format: (n) => `S${String(n).padStart(7, '0')}` },
  CORRECTIONAL: { system: 'INMATE_NUMBER', format: (n) => `EC-${String(n).padStart(7, '0')}` },
  COMMUNITY: null,
  OTHER: null,
};

/** A unique, random-looking identifier value per (system, prefix). */
function nextIdentifier(run: Run, key: string, format: (n: number) => string): string {
  const seq = run.identifierSeq.get(key) ?? 0;
  run.identifierSeq.set(key, seq + 1);
  // 7919 is coprime with 10^7, so this permutes 0..9,999,999: unique and not sequential.
  return format((seq * 7919 + 1_000_003) % 10_000_000);
}

function addClient(chunk: Chunk, h: Household, group: AgeGroup, relations: Relation[]): void {
  const { rng, rows } = chunk;
  chunk.remaining -= 1;
  const name = personName(rng, h.culture, undefined, group === 'child' ? h.family : rng.chance(0.8) ? h.family : undefined);
  const age = group === 'child' ? (h.org.setting === 'SCHOOL' ? rng.int(5, 18) : rng.int(0, 17)) : group === 'elder' ? rng.int(65, 97) : rng.int(19, 64);
  const dob = Math.floor((REF - age * 365.25 * DAY - rng.int(1, 364) * DAY) / DAY) * DAY;
  const status = rng.weightedKey<ClientStatus>(group === 'elder' ? { ACTIVE: 80, INACTIVE: 14, DECEASED: 6 } : { ACTIVE: 86, INACTIVE: 13, DECEASED: 1 });
  const client: ClientCtx = {
    id: rng.uuid(),
    org: h.org,
    region: h.address.region.name,
    born: dob,
    group,
    status,
    relations: normaliseRelations(relations),
    needs: needProfile(rng, h.org.setting, group),
    latestAssessment: null,
    openCrisisRisk: 'LOW',
    referredProviders: [],
    cases: [],
    firstActivity: REF,
    lastActivity: 0,
    pcm: null,
  };

  for (const plan of planCases(chunk, client)) client.cases.push(buildCase(chunk, client, plan));
  addCrises(chunk, client);
  addRelationships(chunk, client);
  addIdentifiers(chunk, client);
  addConsents(chunk, client);

  const language = h.culture !== 'en' && rng.chance(group === 'child' ? 0.4 : group === 'elder' ? 0.85 : 0.6) ? CULTURES[h.culture].language : 'en';
  const created = client.firstActivity - rng.int(0, 3) * DAY;
  const row: Prisma.ClientCreateManyInput = {
    id: client.id,
    organizationId: h.org.id,
    givenName: name.given,
    familyName: name.family,
    preferredName: (h.culture === 'zh' || h.culture === 'vi') && rng.chance(0.2) ? rng.pick(['Kevin', 'Amy', 'Tony', 'Lily', 'Vivian', 'Jimmy', 'Annie']) : null,
    dateOfBirth: at(dob),
    gender: name.gender,
    preferredLanguage: language,
    phone: group !== 'child' && rng.chance(0.9) ? phone(rng, h.address.region) : null,
    email: group === 'adult' && rng.chance(0.45) ? `${ascii(name.given)}${rng.int(1, 999)}@example.com` : null,
    addressLine: h.address.line,
    city: h.address.city,
    postalCode: h.address.postalCode,
    region: h.address.region.name,
    status,
    riskLevel: maxRisk(client.latestAssessment?.risk ?? 'LOW', client.openCrisisRisk),
    mergedIntoId: null,
    version: 1,
    ...stamp(created, Math.max(created, client.lastActivity)),
  };
  rows.client.push(row);
  if (chunk.remaining > 0 && rng.chance(0.006)) addMergedDuplicate(chunk, row);
}

/** A record registered twice and later merged: same person, a spelling variant, history kept. */
function addMergedDuplicate(chunk: Chunk, survivor: Prisma.ClientCreateManyInput): void {
  const { rng, rows } = chunk;
  chunk.remaining -= 1;
  const id = rng.uuid();
  const created = Math.min(REF - 2 * DAY, (survivor.createdAt as Date).getTime() + rng.int(1, 200) * DAY);
  const merged = rng.timeBetween(created, Math.min(REF, created + 60 * DAY));
  const given = survivor.givenName;
  rows.client.push({
    ...survivor,
    id,
    givenName: rng.chance(0.5) ? given.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : given.slice(0, -1) + given.slice(-1).toLowerCase(),
    familyName: rng.chance(0.5) ? survivor.familyName.toUpperCase() : survivor.familyName,
    email: null,
    status: 'INACTIVE',
    riskLevel: 'LOW',
    mergedIntoId: survivor.id,
    version: 2,
    ...stamp(created, merged),
  });
  const identifier = rows.clientIdentifier.find((i) => i.clientId === survivor.id);
  if (identifier) rows.clientIdentifier.push({ ...identifier, id: rng.uuid(), clientId: id, ...stamp(created) });
}

function normaliseRelations(relations: Relation[]): Relation[] {
  const seen = new Set<string>();
  const out = relations.filter((r) => {
    const key = `${r.personId}|${r.relationship}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (out.length > 0 && !out.some((r) => r.emergency)) out[0] = { ...out[0]!, emergency: true };
  return out;
}

function addRelationships(chunk: Chunk, client: ClientCtx): void {
  const { rng, rows } = chunk;
  const since = client.firstActivity - rng.int(0, 30) * DAY;
  client.relations.forEach((r, i) => {
    const legalGuardian = client.group === 'child' && (i === 0 || (r.relationship === 'PARENT' && rng.chance(0.8)));
    rows.clientRelationship.push({
      id: rng.uuid(),
      clientId: client.id,
      relatedPersonId: r.personId,
      relationship: r.relationship,
      isEmergencyContact: r.emergency,
      isCaregiver: r.relationship === 'CAREGIVER' || (client.group === 'elder' && r.livesWith) || (client.group === 'child' && r.livesWith && i === 0),
      isLegalGuardian: legalGuardian,
      livesWithClient: r.livesWith,
      consentToShare: r.consentToShare || legalGuardian,
      startedAt: r.relationship === 'CAREGIVER' ? at(since) : null,
      endedAt: r.relationship === 'CAREGIVER' && client.status !== 'ACTIVE' ? at(Math.max(since, client.lastActivity)) : null,
      version: 1,
      ...stamp(since),
    });
  });
}

function addIdentifiers(chunk: Chunk, client: ClientCtx): void {
  const { run, rng, rows } = chunk;
  const orgs = new Set<OrgInfo>([client.org, ...client.cases.map((c) => c.org)]);
  for (const org of orgs) {
    const spec = IDENTIFIER_SYSTEM[org.setting];
    if (!spec) continue;
    rows.clientIdentifier.push({ id: rng.uuid(), clientId: client.id, system: spec.system, value: nextIdentifier(run, `${spec.system}|${org.tpl.key}`, spec.format), ...stamp(client.firstActivity) });
  }
  if (client.group !== 'child' && rng.chance(0.45)) {
    rows.clientIdentifier.push({ id: rng.uuid(), clientId: client.id, system: 'MEDICAID_ID', value: nextIdentifier(run, 'MEDICAID_ID', (n) => `WA${String(n).padStart(8, '0')}`), ...stamp(client.firstActivity) });
  }
}

// ------------------------------------------------------------------ needs and risk

type NeedProfile = readonly [NeedDomain, number][];

/** Chance that a client in a setting has a need in a domain. */
const NEED_PROFILES: Readonly<Record<Setting, NeedProfile>> = {
  HOSPITAL: [['PHYSICAL_HEALTH', 0.9], ['MENTAL_HEALTH', 0.35], ['TRANSPORTATION', 0.3], ['FOOD', 0.2], ['FINANCIAL', 0.3], ['SOCIAL_SUPPORT', 0.35], ['HOUSING', 0.2], ['SUBSTANCE_USE', 0.15], ['SAFETY', 0.1]],
  SCHOOL: [['EDUCATION', 0.9], ['MENTAL_HEALTH', 0.45], ['SOCIAL_SUPPORT', 0.4], ['FOOD', 0.25], ['SAFETY', 0.15], ['HOUSING', 0.15], ['PHYSICAL_HEALTH', 0.15], ['FINANCIAL', 0.2]],
  CORRECTIONAL: [['LEGAL', 0.95], ['EMPLOYMENT', 0.8], ['HOUSING', 0.7], ['SUBSTANCE_USE', 0.55], ['MENTAL_HEALTH', 0.45], ['FINANCIAL', 0.6], ['EDUCATION', 0.3], ['PHYSICAL_HEALTH', 0.3], ['TRANSPORTATION', 0.3], ['SOCIAL_SUPPORT', 0.3], ['SAFETY', 0.1]],
  COMMUNITY: [['HOUSING', 0.6], ['FINANCIAL', 0.6], ['FOOD', 0.45], ['MENTAL_HEALTH', 0.45], ['EMPLOYMENT', 0.4], ['PHYSICAL_HEALTH', 0.4], ['SUBSTANCE_USE', 0.25], ['SOCIAL_SUPPORT', 0.4], ['SAFETY', 0.15], ['TRANSPORTATION', 0.3], ['LEGAL', 0.15], ['EDUCATION', 0.1]],
  HOME_HEALTH: [['PHYSICAL_HEALTH', 0.95], ['SOCIAL_SUPPORT', 0.6], ['TRANSPORTATION', 0.5], ['FOOD', 0.4], ['SAFETY', 0.35], ['FINANCIAL', 0.3], ['MENTAL_HEALTH', 0.3]],
  OTHER: [['SOCIAL_SUPPORT', 0.5], ['FINANCIAL', 0.5]],
};

function needProfile(rng: Random, setting: Setting, group: AgeGroup): Map<NeedDomain, number> {
  const needs = new Map<NeedDomain, number>();
  for (const [domain, chance] of NEED_PROFILES[setting]) {
    if (group === 'child' && (domain === 'EMPLOYMENT' || domain === 'LEGAL')) continue;
    if (!rng.chance(chance)) continue;
    const max = domain === 'SAFETY' ? 3 : 4;
    needs.set(domain, Math.min(max, rng.weighted([[1, 3], [2, 4], [3, 3], [4, 1]])));
  }
  if (needs.size === 0) needs.set(NEED_PROFILES[setting][0]![0], 2);
  return needs;
}

function riskFromScores(scores: Map<NeedDomain, number>): RiskLevel {
  let max = 0;
  let high = 0;
  for (const s of scores.values()) {
    max = Math.max(max, s);
    if (s >= 3) high += 1;
  }
  if ((scores.get('SAFETY') ?? 0) >= 4 || ((scores.get('MENTAL_HEALTH') ?? 0) >= 4 && (scores.get('SAFETY') ?? 0) >= 3)) return 'IMMINENT';
  if (max >= 4 || high >= 3) return 'HIGH';
  if (max >= 3 || high >= 1) return 'MODERATE';
  return 'LOW';
}

function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/** The client's risk as the server derives it: latest assessment, raised by open HIGH/CRITICAL crises. */
function crisisRisk(severity: CrisisSeverity): RiskLevel {
  return severity === 'CRITICAL' ? 'IMMINENT' : severity === 'HIGH' ? 'HIGH' : 'LOW';
}

// ------------------------------------------------------------------ cases

interface CasePlan {
  org: OrgInfo;
  pcm: StaffInfo;
  status: CaseStatus;
  openedAt: number;
  closedAt: number | null;
  closureReason: string | null;
}

interface InteractionInfo {
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

interface CaseCtx {
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

const OPEN_CASE_WEIGHTS: Readonly<Partial<Record<CaseStatus, number>>> = { REFERRED: 5, INTAKE: 6, ASSESSMENT: 8, ACTIVE: 40, MONITORING: 15, ON_HOLD: 6, CLOSED: 20 };
/** How long ago a case in each status was opened (days). */
const OPEN_AGE_DAYS: Readonly<Record<Exclude<CaseStatus, 'CLOSED'>, readonly [number, number]>> = {
  REFERRED: [0, 14],
  INTAKE: [2, 30],
  ASSESSMENT: [7, 45],
  ACTIVE: [30, 540],
  MONITORING: [120, 720],
  ON_HOLD: [45, 400],
};

const COMPATIBLE_SETTINGS: Readonly<Record<AgeGroup, readonly Setting[]>> = {
  child: ['SCHOOL', 'HOSPITAL', 'COMMUNITY'],
  adult: ['HOSPITAL', 'COMMUNITY', 'CORRECTIONAL'],
  elder: ['HOSPITAL', 'HOME_HEALTH', 'COMMUNITY'],
};

/** The client's episodes of care, latest first: only the latest may be open. */
function planCases(chunk: Chunk, client: ClientCtx): CasePlan[] {
  const { run, rng } = chunk;
  const count = rng.weighted([[1, 75], [2, 20], [3, 5]]);
  const plans: CasePlan[] = [];
  let before = REF;
  for (let k = 0; k < count; k++) {
    const org = k === 0 || rng.chance(0.75) ? client.org : rng.pick(run.orgs.filter((o) => COMPATIBLE_SETTINGS[client.group].includes(o.setting)));
    const pcm = pickPrimaryCaseManager(run, rng, org);
    let status: CaseStatus = 'CLOSED';
    if (k === 0 && client.status === 'ACTIVE') {
      const quotas = [...(pcm === run.casey ? [run.caseyQuotas.caseStatus] : []), run.quotas.caseStatus];
      status = chooseStatus(rng, quotas, OPEN_CASE_WEIGHTS);
    }
    let openedAt: number;
    let closedAt: number | null = null;
    // School cases start at five; nothing starts before birth or more than seven years back.
    const earliest = Math.max(REF - 7 * 365 * DAY, client.born + (org.setting === 'SCHOOL' ? 5 * 365 * DAY : DAY));
    if (status !== 'CLOSED') {
      const [lo, hi] = OPEN_AGE_DAYS[status];
      openedAt = Math.max(earliest, REF - rng.int(lo, hi) * DAY - rng.int(0, 8 * 60) * MINUTE);
    } else {
      closedAt = before - (k === 0 ? rng.int(1, 400) : rng.int(30, 700)) * DAY;
      openedAt = closedAt - rng.int(20, 420) * DAY;
      if (openedAt < earliest) {
        if (k > 0) break;
        openedAt = earliest;
        closedAt = Math.min(REF - HOUR, Math.max(closedAt, openedAt + 20 * DAY));
        openedAt = Math.min(openedAt, closedAt - HOUR);
      }
    }
    const closureReason = status !== 'CLOSED' ? null : k === 0 && client.status === 'DECEASED' ? 'Client deceased' : rng.pick(CLOSURE_REASONS);
    const finalPcm = status === 'CLOSED' && org.formerCaseManagers.length > 0 && pcm !== run.casey && rng.chance(0.15) ? rng.pick(org.formerCaseManagers) : pcm;
    plans.push({ org, pcm: finalPcm, status, openedAt, closedAt, closureReason });
    before = openedAt;
  }
  return plans.reverse();
}

function pickPrimaryCaseManager(run: Run, rng: Random, org: OrgInfo): StaffInfo {
  if (org.id === run.casey.org.id && rng.chance(run.caseyShare)) return run.casey;
  return rng.pick(org.caseManagers);
}

function buildCase(chunk: Chunk, client: ClientCtx, plan: CasePlan): CaseCtx {
  const { run, rng, rows } = chunk;
  const c: CaseCtx = {
    id: rng.uuid(),
    client,
    org: plan.org,
    status: plan.status,
    openedAt: plan.openedAt,
    closedAt: plan.closedAt,
    end: plan.closedAt ?? REF,
    pcm: plan.pcm,
    teamId: plan.pcm.teamIds[0] ?? plan.org.teamIds[0] ?? null,
    members: [],
    interactions: [],
    referrals: [],
    isCasey: plan.pcm === run.casey,
  };
  client.firstActivity = Math.min(client.firstActivity, c.openedAt);
  client.pcm = c.pcm;

  addCareTeam(chunk, c);
  const assessments = addAssessments(chunk, c);
  addReferrals(chunk, c);
  addInteractions(chunk, c);
  addCarePlans(chunk, c, assessments);
  addFollowUps(chunk, c);
  addCaseTasks(chunk, c);
  addClosureApproval(chunk, c);

  const lastContact = c.interactions.reduce((max, i) => Math.max(max, i.at), 0);
  const priority = rng.weightedKey({ ROUTINE: 70, URGENT: 23, EMERGENT: 7 });
  rows.case.push({
    id: c.id,
    clientId: client.id,
    organizationId: c.org.id,
    teamId: c.teamId,
    setting: c.org.setting,
    status: c.status,
    priority,
    summary: rng.pick(CASE_SUMMARIES[c.org.setting]),
    openedAt: at(c.openedAt),
    closedAt: c.closedAt === null ? null : at(c.closedAt),
    closureReason: plan.closureReason,
    primaryCaseManagerId: c.pcm.id,
    lastContactAt: lastContact ? at(lastContact) : null,
    version: 1 + CASE_STATUSES.indexOf(c.status),
    ...stamp(c.openedAt, Math.max(c.closedAt ?? 0, lastContact, c.openedAt)),
  });
  client.lastActivity = Math.max(client.lastActivity, c.closedAt ?? lastContact, c.openedAt);
  return c;
}

// ------------------------------------------------------------------ care team, transfers

const CARE_TEAM_ROLE: Readonly<Partial<Record<StaffRole, CareTeamRole>>> = {
  CASE_MANAGER: 'CASE_MANAGER',
  NURSE: 'NURSE',
  PHYSICIAN: 'PHYSICIAN',
  SOCIAL_WORKER: 'SOCIAL_WORKER',
  COUNSELOR: 'COUNSELOR',
  PSYCHOLOGIST: 'OTHER',
  SUPERVISOR: 'SUPERVISOR',
};

/** Chance of each clinical role joining a case's care team, by setting. */
const CARE_TEAM_MIX: Readonly<Record<Setting, readonly [StaffRole, number][]>> = {
  HOSPITAL: [['NURSE', 0.7], ['PHYSICIAN', 0.4], ['SOCIAL_WORKER', 0.5], ['PSYCHOLOGIST', 0.2]],
  SCHOOL: [['COUNSELOR', 0.7], ['SOCIAL_WORKER', 0.4], ['PSYCHOLOGIST', 0.25], ['NURSE', 0.2]],
  CORRECTIONAL: [['NURSE', 0.5], ['COUNSELOR', 0.4], ['PHYSICIAN', 0.2], ['SOCIAL_WORKER', 0.3]],
  COMMUNITY: [['SOCIAL_WORKER', 0.5], ['COUNSELOR', 0.4], ['NURSE', 0.25], ['PSYCHOLOGIST', 0.1]],
  HOME_HEALTH: [['NURSE', 0.9], ['SOCIAL_WORKER', 0.4]],
  OTHER: [['SOCIAL_WORKER', 0.5]],
};

function supervisorOf(run: Run, staff: StaffInfo): StaffInfo {
  return (staff.supervisorId ? run.staffById.get(staff.supervisorId) : undefined) ?? staff.org.supervisor;
}

function staffFor(org: OrgInfo, teamId: string | null, role: StaffRole): StaffInfo[] {
  return org.byTeamRole.get(`${teamId}|${role}`) ?? org.byTeamRole.get(`*|${role}`) ?? [];
}

function addCareTeam(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const supervisor = supervisorOf(chunk.run, c.pcm);
  const members: [StaffInfo, CareTeamRole][] = [];
  for (const [role, chance] of CARE_TEAM_MIX[c.org.setting]) {
    const pool = staffFor(c.org, c.teamId, role);
    if (pool.length > 0 && rng.chance(chance)) members.push([rng.pick(pool), CARE_TEAM_ROLE[role] ?? 'OTHER']);
  }
  if (rng.chance(0.2)) members.push([supervisor, 'SUPERVISOR']);
  const backups = staffFor(c.org, c.teamId, 'CASE_MANAGER').filter((s) => s !== c.pcm);
  if (backups.length > 0 && rng.chance(0.1)) members.push([rng.pick(backups), 'CASE_MANAGER']);
  if (members.length === 0) {
    const pool = staffFor(c.org, c.teamId, 'SOCIAL_WORKER');
    if (pool.length > 0) members.push([rng.pick(pool), 'SOCIAL_WORKER']);
  }

  let primarySince = c.openedAt;
  // A handed-over case: the previous primary's membership ended at the transfer.
  const others = c.org.caseManagers.filter((s) => s !== c.pcm);
  if (c.status !== 'REFERRED' && c.status !== 'INTAKE' && c.end - c.openedAt > 60 * DAY && others.length > 0 && rng.chance(0.05)) {
    const previous = rng.pick(others);
    primarySince = rng.timeBetween(c.openedAt + 20 * DAY, c.end - 10 * DAY);
    pushCareTeamMember(chunk, c, previous, 'PRIMARY_CASE_MANAGER', c.openedAt, primarySince);
    addTransfer(chunk, c, previous, c.pcm, 'ACCEPTED', primarySince, supervisor);
  }
  pushCareTeamMember(chunk, c, c.pcm, 'PRIMARY_CASE_MANAGER', primarySince, c.closedAt);
  for (const [staff, role] of members) {
    pushCareTeamMember(chunk, c, staff, role, c.openedAt + rng.int(0, 10) * DAY, c.closedAt);
    c.members.push(staff);
  }
  // Pending or refused hand-overs on open cases.
  if (c.closedAt === null && c.status !== 'REFERRED' && others.length > 0 && rng.chance(0.02)) {
    addTransfer(chunk, c, c.pcm, rng.pick(others), rng.chance(0.7) ? 'PROPOSED' : 'REJECTED', REF - rng.int(1, 20) * DAY, supervisor);
  }
}

function pushCareTeamMember(chunk: Chunk, c: CaseCtx, staff: StaffInfo, role: CareTeamRole, start: number, end: number | null): void {
  const startedAt = Math.min(start, c.end);
  chunk.rows.careTeamMember.push({
    id: chunk.rng.uuid(),
    caseId: c.id,
    staffId: staff.id,
    role,
    startedAt: at(startedAt),
    endedAt: end === null ? null : at(Math.max(startedAt, end)),
    version: end === null ? 1 : 2,
    ...stamp(startedAt, end ?? startedAt),
  });
}

function addTransfer(chunk: Chunk, c: CaseCtx, from: StaffInfo, to: StaffInfo, status: 'PROPOSED' | 'ACCEPTED' | 'REJECTED', when: number, supervisor: StaffInfo): void {
  const { rng, rows } = chunk;
  const proposedAt = when - rng.int(1, 5) * DAY;
  const decided = status === 'PROPOSED' ? null : when;
  const id = rng.uuid();
  rows.caseTransfer.push({
    id,
    caseId: c.id,
    fromStaffId: from.id,
    toStaffId: to.id,
    fromOrganizationId: c.org.id,
    toOrganizationId: c.org.id,
    reason: rng.pick(['Caseload balancing', 'Case manager leaving the team', 'Client asked for a different case manager', 'Language match']),
    status,
    consentChecked: true,
    proposedById: rng.chance(0.5) ? from.id : supervisor.id,
    proposedAt: at(proposedAt),
    decidedById: decided === null ? null : supervisor.id,
    decidedAt: decided === null ? null : at(decided),
    version: decided === null ? 1 : 2,
    ...stamp(proposedAt, decided ?? proposedAt),
  });
  if (status === 'ACCEPTED') {
    rows.task.push({
      id: rng.uuid(), caseId: c.id, assigneeId: to.id, createdById: from.id, kind: 'HANDOFF', title: 'Review case notes after transfer', description: null,
      dueAt: at(when + 7 * DAY), status: 'COMPLETED', completedAt: at(Math.min(REF, when + rng.int(1, 6) * DAY)), version: 3, ...stamp(when, Math.min(REF, when + 6 * DAY)),
    });
  }
  if (c.org.tpl.approvalRequiredFor.includes('CASE_TRANSFER') && status !== 'REJECTED') {
    addApproval(chunk, c, 'CASE_TRANSFER', id, from, proposedAt, status === 'ACCEPTED' ? { by: supervisor, at: when, status: 'APPROVED' } : null);
  }
}

function addApproval(
  chunk: Chunk,
  c: CaseCtx,
  subject: 'CARE_PLAN' | 'CASE_CLOSURE' | 'CASE_TRANSFER',
  subjectId: string,
  requestedBy: StaffInfo,
  requestedAt: number,
  decision: { by: StaffInfo; at: number; status: 'APPROVED' | 'REJECTED' } | null,
): void {
  chunk.rows.approval.push({
    id: chunk.rng.uuid(),
    organizationId: c.org.id,
    subject,
    subjectId,
    caseId: c.id,
    requestedById: requestedBy.id,
    requestedAt: at(requestedAt),
    decidedById: decision?.by.id ?? null,
    decidedAt: decision ? at(decision.at) : null,
    status: decision?.status ?? 'PENDING',
    comment: decision?.status === 'REJECTED' ? 'Please complete the discharge assessment first.' : null,
    version: decision ? 2 : 1,
    ...stamp(requestedAt, decision?.at ?? requestedAt),
  });
}

function addClosureApproval(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  if (!c.org.tpl.approvalRequiredFor.includes('CASE_CLOSURE')) return;
  const supervisor = c.org.supervisor;
  if (c.closedAt !== null) {
    addApproval(chunk, c, 'CASE_CLOSURE', c.id, c.pcm, c.closedAt - rng.int(1, 4) * DAY, { by: supervisor, at: c.closedAt, status: 'APPROVED' });
  } else if ((c.status === 'MONITORING' || c.status === 'ACTIVE') && rng.chance(0.04)) {
    addApproval(chunk, c, 'CASE_CLOSURE', c.id, c.pcm, REF - rng.int(0, 10) * DAY, null);
  }
}

// ------------------------------------------------------------------ assessments

interface AssessmentInfo {
  at: number;
  scores: Map<NeedDomain, number>;
}

const ASSESSMENT_LABEL: Readonly<Record<AssessmentType, string>> = {
  INTAKE: 'Intake assessment', NEEDS: 'Needs assessment', PSYCHOSOCIAL: 'Psychosocial assessment', CLINICAL: 'Clinical assessment',
  RISK: 'Risk assessment', CRISIS: 'Crisis assessment', DISCHARGE: 'Discharge assessment', REASSESSMENT: 'Reassessment',
};

const SOURCES: readonly AssessmentSource[] = ['RECORDS', 'CLIENT_INTERVIEW', 'FAMILY', 'PROVIDER', 'OTHER'];

function addAssessments(chunk: Chunk, c: CaseCtx): AssessmentInfo[] {
  const { rng } = chunk;
  const steps: [AssessmentType, number][] = [];
  const intakeAt = Math.min(c.end, c.openedAt + rng.int(1, 5 * 24) * HOUR);
  if (c.status === 'REFERRED' || (c.status === 'INTAKE' && rng.chance(0.5))) return [];
  steps.push(['INTAKE', intakeAt]);
  const fullAt = Math.min(c.end, intakeAt + rng.int(2, 14) * DAY);
  if (c.status !== 'INTAKE' && (c.status !== 'ASSESSMENT' || rng.chance(0.5))) {
    steps.push([c.org.setting === 'SCHOOL' || c.org.setting === 'CORRECTIONAL' ? 'PSYCHOSOCIAL' : 'NEEDS', fullAt]);
    if (c.org.setting === 'HOSPITAL' || c.org.setting === 'HOME_HEALTH') steps.push(['CLINICAL', Math.min(c.end, fullAt + rng.int(0, 3) * DAY)]);
    let t = fullAt + rng.int(90, 180) * DAY;
    for (let n = 0; n < 3 && t < c.end - 7 * DAY; n++, t += rng.int(90, 180) * DAY) {
      steps.push([rng.weightedKey<AssessmentType>({ REASSESSMENT: 6, RISK: 2, CLINICAL: 1 }), t]);
    }
    if (c.closedAt !== null) steps.push(['DISCHARGE', c.closedAt - rng.int(0, 3) * DAY]);
  }
  // Clients mostly improve over an episode of care; some get worse.
  const trend = c.closedAt !== null || c.status === 'MONITORING' ? rng.float(0.5, 2.2) : rng.chance(0.15) ? -rng.float(0.3, 1.2) : rng.float(0, 1.2);
  return steps.map(([type, when]) => {
    const progress = (when - c.openedAt) / Math.max(DAY, c.end - c.openedAt);
    return addAssessment(chunk, c, type, Math.max(c.openedAt, when), progress * trend);
  });
}

const DOMAINS_FOR: Readonly<Partial<Record<AssessmentType, readonly NeedDomain[]>>> = {
  RISK: ['SAFETY', 'MENTAL_HEALTH', 'SUBSTANCE_USE'],
  CLINICAL: ['PHYSICAL_HEALTH', 'MENTAL_HEALTH', 'SUBSTANCE_USE'],
  PSYCHOSOCIAL: ['MENTAL_HEALTH', 'SOCIAL_SUPPORT', 'SAFETY', 'HOUSING', 'FINANCIAL', 'EDUCATION'],
  CRISIS: ['SAFETY', 'MENTAL_HEALTH', 'SUBSTANCE_USE', 'HOUSING'],
};

function addAssessment(chunk: Chunk, c: CaseCtx, type: AssessmentType, when: number, improvement: number, bump = 0): AssessmentInfo {
  const { rng, rows } = chunk;
  const client = c.client;
  const domains = DOMAINS_FOR[type] ?? [...new Set([...client.needs.keys(), ...rng.sample(NEED_DOMAINS, 1)])];
  const scores = new Map<NeedDomain, number>();
  for (const domain of domains) {
    const base = client.needs.get(domain) ?? 0;
    const noise = rng.weighted([[-1, 1], [0, 6], [1, 1]]);
    const value = base === 0 ? (rng.chance(0.1) ? 1 : 0) : Math.round(base - improvement + noise) + bump;
    scores.set(domain, Math.max(0, Math.min(domain === 'SAFETY' && bump === 0 ? 3 : 4, value)));
  }
  const risk = riskFromScores(scores);
  const id = rng.uuid();
  const clinical = type === 'CLINICAL' || type === 'CRISIS';
  const performer = clinical ? (c.members.find((m) => m.role === 'NURSE' || m.role === 'PHYSICIAN' || m.role === 'PSYCHOLOGIST') ?? c.pcm) : rng.chance(0.85) ? c.pcm : (c.members[0] ?? c.pcm);
  const enteredInError = rng.chance(0.005);
  rows.assessment.push({
    id,
    caseId: c.id,
    clientId: client.id,
    type,
    performedById: performer.id,
    performedAt: at(when),
    sources: SOURCES.filter((s, i) => i < 2 || (s === 'FAMILY' && rng.chance(0.4)) || (s === 'PROVIDER' && rng.chance(0.3)) || (s === 'OTHER' && rng.chance(0.05))),
    riskLevel: risk,
    summary: `${ASSESSMENT_LABEL[type]}: ${describeNeeds(scores)}.`,
    enteredInError,
    version: enteredInError ? 2 : 1,
    ...stamp(when),
  });
  for (const [domain, severity] of scores) {
    rows.needScore.push({ id: rng.uuid(), assessmentId: id, domain, severity, note: severity >= 3 ? rng.pick(NEED_NOTES[domain]) : null, ...stamp(when) });
  }
  if (!enteredInError && (!client.latestAssessment || when >= client.latestAssessment.at)) client.latestAssessment = { at: when, risk };
  return { at: when, scores };
}

function describeNeeds(scores: Map<NeedDomain, number>): string {
  const top = [...scores].filter(([, s]) => s >= 3).map(([d]) => d.toLowerCase().replace('_', ' '));
  return top.length > 0 ? `priority needs ${top.join(', ')}` : 'no severe needs identified';
}

// ------------------------------------------------------------------ referrals

/** The path a referral takes to reach each status (the closed loop). */
const REFERRAL_PATHS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  DRAFT: ['DRAFT'],
  SENT: ['DRAFT', 'SENT'],
  ACCEPTED: ['DRAFT', 'SENT', 'ACCEPTED'],
  DECLINED: ['DRAFT', 'SENT', 'DECLINED'],
  SCHEDULED: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED'],
  IN_PROGRESS: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS'],
  COMPLETED: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED'],
  NO_SHOW: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'NO_SHOW'],
  CANCELLED: ['DRAFT', 'SENT', 'CANCELLED'],
};

const REFERRAL_WEIGHTS: Readonly<Record<'open' | 'early' | 'closed', Partial<Record<ReferralStatus, number>>>> = {
  open: { DRAFT: 5, SENT: 12, ACCEPTED: 10, DECLINED: 8, SCHEDULED: 12, IN_PROGRESS: 15, COMPLETED: 25, CANCELLED: 6, NO_SHOW: 7 },
  early: { DRAFT: 40, SENT: 40, ACCEPTED: 20 },
  closed: { COMPLETED: 55, DECLINED: 12, CANCELLED: 18, NO_SHOW: 15 },
};

const RESPONSE_DAYS: Readonly<Record<ReferralUrgency, number>> = { STAT: 1, ASAP: 2, URGENT: 5, ROUTINE: 10 };

/** Days from each status to the next one on the path. */
const STEP_DAYS: Readonly<Partial<Record<ReferralStatus, readonly [number, number]>>> = {
  DRAFT: [0, 3],
  SENT: [1, 14],
  ACCEPTED: [1, 10],
  SCHEDULED: [3, 30],
  IN_PROGRESS: [14, 90],
};

function addReferrals(chunk: Chunk, c: CaseCtx): void {
  const { run, rng } = chunk;
  const stage = c.status === 'CLOSED' ? 'closed' : c.status === 'ACTIVE' || c.status === 'MONITORING' || c.status === 'ON_HOLD' ? 'open' : c.status === 'ASSESSMENT' ? 'early' : null;
  if (!stage) return;
  const quotas = [...(c.isCasey ? [run.caseyQuotas.referralStatus] : []), run.quotas.referralStatus];
  let count = stage === 'early' ? rng.weighted([[0, 50], [1, 50]]) : rng.weighted([[0, 15], [1, 35], [2, 30], [3, 15], [4, 5]]);
  if (stage === 'open' && quotas.some((q) => !q.complete)) count = Math.max(count, 2);
  const domains = [...c.client.needs].sort((a, b) => b[1] - a[1]).map(([d]) => d);
  for (let i = 0; i < count && domains.length > 0; i++) {
    const domain = domains[i % domains.length] as NeedDomain;
    const status = chooseStatus(rng, quotas, REFERRAL_WEIGHTS[stage]);
    addReferral(chunk, c, domain, status);
  }
}

function pickProvider(run: Run, rng: Random, domain: NeedDomain, region: string): { provider: ProviderInfo; kind: ProviderKind } {
  const kind = rng.pick(KINDS_FOR_NEED[domain]);
  const local = run.providersByKindRegion.get(`${kind}|${region}`);
  const pool = local && rng.chance(0.8) ? local : (run.providersByKind.get(kind) ?? run.providers);
  return { provider: rng.pick(pool), kind };
}

function addReferral(chunk: Chunk, c: CaseCtx, domain: NeedDomain, status: ReferralStatus): void {
  const { run, rng, rows } = chunk;
  const { provider, kind } = pickProvider(run, rng, domain, c.client.region);
  const service = provider.services.find((s) => s.type === kind) ?? provider.services[0] ?? null;
  const urgency = rng.weightedKey<ReferralUrgency>({ ROUTINE: 60, URGENT: 25, ASAP: 10, STAT: 5 });
  const path = REFERRAL_PATHS[status];
  const cancelledLate = status === 'CANCELLED' && rng.chance(0.3) ? ['DRAFT', 'SENT', 'ACCEPTED', 'CANCELLED'] as ReferralStatus[] : path;

  // Times of each step; squeezed into the case's window when they would overrun it.
  const gaps = cancelledLate.slice(0, -1).map((s) => rng.int(...(STEP_DAYS[s] ?? [1, 7])) * DAY + rng.int(0, 8 * 60) * MINUTE);
  const total = gaps.reduce((a, b) => a + b, 0);
  const latestEnd = c.end - HOUR;
  const earliest = Math.min(c.openedAt + DAY, latestEnd - gaps.length * MINUTE);
  const start = rng.timeBetween(earliest, Math.max(earliest, latestEnd - total));
  const scale = start + total > latestEnd ? Math.max(0, (latestEnd - start) / total) : 1;
  const times = [start];
  // At least a minute apart, so the history has one order.
  for (const gap of gaps) times.push(Math.max(times[times.length - 1]! + MINUTE, Math.round((times[times.length - 1]! + gap * scale) / MINUTE) * MINUTE));
  const when = (s: ReferralStatus) => {
    const i = cancelledLate.indexOf(s);
    return i >= 0 ? (times[i] as number) : null;
  };

  const id = rng.uuid();
  const sentAt = when('SENT');
  const scheduledAt = when('SCHEDULED');
  const appointmentAt = scheduledAt === null ? null : when('IN_PROGRESS') ?? when('NO_SHOW') ?? scheduledAt + rng.int(2, 21) * DAY;
  const sensitive: ConsentCategory | null = domain === 'MENTAL_HEALTH' ? 'MENTAL_HEALTH' : domain === 'SUBSTANCE_USE' ? 'SUBSTANCE_USE' : null;
  const shares = sensitive !== null && rng.chance(0.8);
  const units = service?.unit === 'month' ? rng.int(3, 6) : service?.unit === 'night' ? rng.int(7, 30) : rng.int(1, 12);
  const last = times[times.length - 1] as number;
  rows.referral.push({
    id,
    caseId: c.id,
    clientId: c.client.id,
    providerId: provider.id,
    serviceId: service?.id ?? null,
    reason: rng.pick(REFERRAL_REASONS[domain]),
    urgency,
    status,
    createdById: c.pcm.id,
    sharedCategories: shares && sensitive ? [sensitive] : [],
    estimatedCost: service?.cost ? service.cost * units : null,
    sentAt: sentAt === null ? null : at(sentAt),
    expectedResponseBy: sentAt === null ? null : at(sentAt + RESPONSE_DAYS[urgency] * DAY),
    acceptedAt: when('ACCEPTED') === null ? null : at(when('ACCEPTED')!),
    declinedAt: when('DECLINED') === null ? null : at(when('DECLINED')!),
    appointmentAt: appointmentAt === null ? null : at(appointmentAt),
    completedAt: when('COMPLETED') === null ? null : at(when('COMPLETED')!),
    advocacyNotes: rng.chance(0.2) ? rng.pick(ADVOCACY_NOTES) : null,
    outcomeNote: referralOutcome(rng, status),
    version: cancelledLate.length,
    ...stamp(start, last),
  });
  cancelledLate.forEach((to, i) => {
    const providerSide = to === 'ACCEPTED' || to === 'DECLINED' || to === 'IN_PROGRESS' || to === 'COMPLETED' || to === 'NO_SHOW';
    rows.referralEvent.push({
      id: rng.uuid(),
      referralId: id,
      // Provider-side changes are often relayed without a staff actor (portal, fax, phone).
      actorId: providerSide && rng.chance(0.4) ? null : c.pcm.id,
      at: at(times[i] as number),
      fromStatus: i === 0 ? null : (cancelledLate[i - 1] as ReferralStatus),
      toStatus: to,
      note: i === 0 ? 'Referral drafted' : providerSide ? `Provider update: ${to.toLowerCase().replace('_', ' ')}` : null,
      ...stamp(times[i] as number),
    });
  });
  c.referrals.push({ id, domain, providerId: provider.id, status, at: start });
  if (shares) c.client.referredProviders.push({ providerId: provider.id, domain, at: start });
}

function referralOutcome(rng: Random, status: ReferralStatus): string | null {
  switch (status) {
    case 'COMPLETED':
      return rng.pick(['Service completed; client satisfied.', 'Completed; provider sent summary.', 'Completed with follow-up recommended.']);
    case 'DECLINED':
      return rng.pick(['No capacity this quarter.', 'Client outside service area.', 'Client not eligible for program.']);
    case 'NO_SHOW':
      return rng.pick(['Client did not attend; rebooking offered.', 'Missed appointment; transport fell through.']);
    case 'CANCELLED':
      return rng.pick(['Client declined referral.', 'Need met elsewhere.', 'Referred to a closer provider instead.']);
    default:
      return null;
  }
}

// ------------------------------------------------------------------ interactions

const INTERACTION_MIX: Readonly<Record<Setting, Partial<Record<InteractionType, number>>>> = {
  HOSPITAL: { OFFICE_VISIT: 25, PHONE_CALL: 25, FAMILY_MEETING: 12, CASE_CONFERENCE: 10, COLLATERAL_CONTACT: 12, COUNSELLING_SESSION: 4, VIDEO_CALL: 4, MESSAGE: 5, HOME_VISIT: 1, OUTREACH_ATTEMPT: 2 },
  SCHOOL: { OFFICE_VISIT: 30, FAMILY_MEETING: 15, PHONE_CALL: 15, COUNSELLING_SESSION: 15, CASE_CONFERENCE: 6, COLLATERAL_CONTACT: 8, MESSAGE: 6, HOME_VISIT: 3, VIDEO_CALL: 2 },
  CORRECTIONAL: { OFFICE_VISIT: 35, CASE_CONFERENCE: 12, COUNSELLING_SESSION: 12, COLLATERAL_CONTACT: 15, PHONE_CALL: 10, VIDEO_CALL: 8, FAMILY_MEETING: 4, MESSAGE: 4 },
  COMMUNITY: { HOME_VISIT: 18, OFFICE_VISIT: 20, PHONE_CALL: 22, VIDEO_CALL: 5, COUNSELLING_SESSION: 8, FAMILY_MEETING: 5, CASE_CONFERENCE: 4, COLLATERAL_CONTACT: 8, MESSAGE: 7, OUTREACH_ATTEMPT: 6 },
  HOME_HEALTH: { HOME_VISIT: 45, PHONE_CALL: 22, FAMILY_MEETING: 8, CASE_CONFERENCE: 6, COLLATERAL_CONTACT: 8, VIDEO_CALL: 4, MESSAGE: 5, OUTREACH_ATTEMPT: 2 },
  OTHER: { OFFICE_VISIT: 50, PHONE_CALL: 50 },
};

const DURATION_MINUTES: Readonly<Record<InteractionType, readonly [number, number] | null>> = {
  HOME_VISIT: [30, 90], OFFICE_VISIT: [20, 60], PHONE_CALL: [5, 30], VIDEO_CALL: [15, 45], COUNSELLING_SESSION: [45, 60],
  FAMILY_MEETING: [45, 90], CASE_CONFERENCE: [30, 60], COLLATERAL_CONTACT: [5, 20], MESSAGE: null, OUTREACH_ATTEMPT: [5, 10],
};

/** Days since the last contact for an open case, by status (some ACTIVE cases go quiet). */
function lastContactAge(rng: Random, status: CaseStatus): number {
  switch (status) {
    case 'ACTIVE':
      return rng.chance(0.12) ? rng.int(30, 120) : rng.int(0, 21);
    case 'MONITORING':
      return rng.int(7, 45);
    case 'ON_HOLD':
      return rng.int(20, 90);
    default:
      return rng.int(0, 10);
  }
}

function addInteractions(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const months = (c.end - c.openedAt) / (30 * DAY);
  let count: number;
  switch (c.status) {
    case 'REFERRED':
      count = rng.int(0, 1);
      break;
    case 'INTAKE':
      count = rng.int(1, 2);
      break;
    case 'ASSESSMENT':
      count = rng.int(2, 4);
      break;
    default:
      count = Math.max(3, Math.min(14, Math.round(months * rng.float(0.8, 1.6))));
  }
  if (count === 0) return;
  const last = c.closedAt !== null ? c.closedAt - rng.int(0, 5) * DAY : Math.max(c.openedAt, REF - lastContactAge(rng, c.status) * DAY - rng.int(1, 9 * 60) * MINUTE);
  const times = [last];
  for (let i = 1; i < count; i++) times.push(rng.timeBetween(c.openedAt, last));
  times.sort((a, b) => a - b);
  for (const when of times) addInteraction(chunk, c, Math.max(c.openedAt, when));
}

function addInteraction(chunk: Chunk, c: CaseCtx, when: number): void {
  const { rng, rows } = chunk;
  const type: InteractionType = c.status === 'REFERRED' || (c.status === 'INTAKE' && rng.chance(0.5))
    ? rng.weightedKey<InteractionType>({ OUTREACH_ATTEMPT: 1, PHONE_CALL: 2 })
    : rng.weightedKey(INTERACTION_MIX[c.org.setting]);
  const counsellor = c.members.find((m) => m.role === 'COUNSELOR' || m.role === 'PSYCHOLOGIST');
  const nurse = c.members.find((m) => m.role === 'NURSE');
  const staff =
    type === 'COUNSELLING_SESSION' && counsellor ? counsellor
    : type === 'HOME_VISIT' && nurse && c.org.setting === 'HOME_HEALTH' && rng.chance(0.6) ? nurse
    : rng.chance(0.7) || c.members.length === 0 ? c.pcm
    : rng.pick(c.members);
  const category = sensitiveCategory(rng, c, type);
  const duration = DURATION_MINUTES[type];
  const id = rng.uuid();
  const enteredInError = rng.chance(0.01);
  rows.interaction.push({
    id,
    caseId: c.id,
    clientId: c.client.id,
    type,
    occurredAt: at(when),
    durationMinutes: duration ? rng.int(duration[0], duration[1]) : null,
    staffId: staff.id,
    summary: category ? rng.pick(RESTRICTED_SUMMARIES[category]) : rng.pick(INTERACTION_SUMMARIES[type]),
    sensitivity: category ? 'RESTRICTED' : 'NORMAL',
    sensitiveCategory: category,
    enteredInError,
    version: enteredInError ? 2 : 1,
    ...stamp(Math.min(REF, when + rng.int(5, 240) * MINUTE)),
  });
  addParticipants(chunk, c, id, type, staff, when);
  if (!enteredInError) c.interactions.push({ id, at: when, staffId: staff.id });
}

/** Restricted notes: mental health, substance use, HIV, justice involvement, disclosures. */
function sensitiveCategory(rng: Random, c: CaseCtx, type: InteractionType): ConsentCategory | null {
  const needs = c.client.needs;
  if (type === 'COUNSELLING_SESSION' && rng.chance(0.6)) return (needs.get('SUBSTANCE_USE') ?? 0) >= 2 && rng.chance(0.4) ? 'SUBSTANCE_USE' : 'MENTAL_HEALTH';
  if (!rng.chance(0.07)) return null;
  if (rng.chance(0.05)) return 'HIV';
  if (c.org.setting === 'CORRECTIONAL') return rng.chance(0.6) ? 'CRIMINAL_JUSTICE' : 'SUBSTANCE_USE';
  if (c.org.setting === 'SCHOOL') return rng.chance(0.5) ? 'EDUCATION' : 'MENTAL_HEALTH';
  if ((needs.get('SUBSTANCE_USE') ?? 0) >= 2) return 'SUBSTANCE_USE';
  return rng.weightedKey<ConsentCategory>({ MENTAL_HEALTH: 5, GENERAL: 3, REPRODUCTIVE_HEALTH: 1 });
}

function addParticipants(chunk: Chunk, c: CaseCtx, interactionId: string, type: InteractionType, recorder: StaffInfo, when: number): void {
  const { rng, rows } = chunk;
  const push = (p: { relatedPersonId?: string; providerId?: string; staffId?: string; role: string }) =>
    rows.interactionParticipant.push({ id: rng.uuid(), interactionId, relatedPersonId: p.relatedPersonId ?? null, providerId: p.providerId ?? null, staffId: p.staffId ?? null, role: p.role, ...stamp(when) });
  const relations = c.client.relations;
  const family = () => rng.sample(relations.filter((r) => r.relationship !== 'NEIGHBOR' && r.relationship !== 'FRIEND'), rng.int(1, 2));
  const provider = () => (c.referrals.length > 0 ? rng.pick(c.referrals).providerId : null);
  switch (type) {
    case 'FAMILY_MEETING':
      for (const r of family()) push({ relatedPersonId: r.personId, role: r.relationship.toLowerCase().replace('_', ' ') });
      break;
    case 'CASE_CONFERENCE': {
      for (const s of rng.sample(c.members.concat(c.pcm).filter((s) => s !== recorder), rng.int(1, 3))) push({ staffId: s.id, role: s.role.toLowerCase().replace('_', ' ') });
      const p = rng.chance(0.3) ? provider() : null;
      if (p) push({ providerId: p, role: 'provider liaison' });
      break;
    }
    case 'COLLATERAL_CONTACT': {
      const p = provider();
      if (p && rng.chance(0.6)) push({ providerId: p, role: 'provider' });
      else if (relations.length > 0) push({ relatedPersonId: rng.pick(relations).personId, role: 'collateral' });
      break;
    }
    case 'HOME_VISIT': {
      const home = relations.filter((r) => r.livesWith || r.relationship === 'CAREGIVER');
      if (home.length > 0 && rng.chance(0.4)) push({ relatedPersonId: rng.pick(home).personId, role: 'present at visit' });
      break;
    }
    case 'VIDEO_CALL':
      if (relations.length > 0 && rng.chance(0.2)) push({ relatedPersonId: rng.pick(relations).personId, role: 'joined call' });
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ care plans

const PLAN_STATUS_BY_CASE: Readonly<Partial<Record<CaseStatus, Partial<Record<CarePlanStatus, number>>>>> = {
  ASSESSMENT: { DRAFT: 1 },
  ACTIVE: { ACTIVE: 90, DRAFT: 10 },
  MONITORING: { ACTIVE: 1 },
  ON_HOLD: { ON_HOLD: 1 },
  CLOSED: { COMPLETED: 80, REVOKED: 20 },
};

const GOAL_LIFECYCLE_BY_PLAN: Readonly<Record<CarePlanStatus, Partial<Record<GoalLifecycleStatus, number>>>> = {
  DRAFT: { PROPOSED: 3, PLANNED: 2 },
  ACTIVE: { ACTIVE: 68, ACCEPTED: 10, COMPLETED: 12, ON_HOLD: 4, CANCELLED: 4, REJECTED: 2 },
  ON_HOLD: { ON_HOLD: 3, ACTIVE: 1 },
  COMPLETED: { COMPLETED: 75, CANCELLED: 15, REJECTED: 10 },
  REVOKED: { CANCELLED: 3, ACTIVE: 1 },
  ENTERED_IN_ERROR: { PROPOSED: 1 },
};

function achievementFor(rng: Random, lifecycle: GoalLifecycleStatus, monitoring: boolean): GoalAchievementStatus {
  switch (lifecycle) {
    case 'ACTIVE':
      return monitoring ? rng.weightedKey<GoalAchievementStatus>({ SUSTAINING: 3, IMPROVING: 1 }) : rng.weightedKey<GoalAchievementStatus>({ IN_PROGRESS: 35, IMPROVING: 30, NO_CHANGE: 15, WORSENING: 10, SUSTAINING: 10 });
    case 'ON_HOLD':
      return rng.weightedKey<GoalAchievementStatus>({ NO_CHANGE: 1, NO_PROGRESS: 1 });
    case 'COMPLETED':
      return rng.weightedKey<GoalAchievementStatus>({ ACHIEVED: 75, SUSTAINING: 10, NOT_ACHIEVED: 15 });
    case 'CANCELLED':
      return rng.weightedKey<GoalAchievementStatus>({ NOT_ATTAINABLE: 2, NOT_ACHIEVED: 2, NO_PROGRESS: 1 });
    case 'REJECTED':
      return 'NOT_ATTAINABLE';
    default:
      return 'IN_PROGRESS';
  }
}

function addCarePlans(chunk: Chunk, c: CaseCtx, assessments: AssessmentInfo[]): void {
  const { run, rng } = chunk;
  const weights = PLAN_STATUS_BY_CASE[c.status];
  if (!weights || (c.status === 'ASSESSMENT' && rng.chance(0.6))) return;
  const start = Math.min(c.end - HOUR, (assessments[1] ?? assessments[0])?.at ?? c.openedAt + rng.int(7, 21) * DAY);
  const quotas = [...(c.isCasey ? [run.caseyQuotas.planStatus] : []), run.quotas.planStatus];
  const status = chooseStatus(rng, quotas, weights);
  // An older plan replaced by the current one, or a plan recorded by mistake.
  if (status === 'ACTIVE' && c.end - start > 200 * DAY && rng.chance(0.15)) {
    const split = rng.timeBetween(start + 60 * DAY, c.end - 60 * DAY);
    const previous = chooseStatus(rng, quotas, { REVOKED: 1, COMPLETED: 1 });
    addCarePlan(chunk, c, previous, start, split);
    addCarePlan(chunk, c, status, split, null);
  } else {
    addCarePlan(chunk, c, status, start, c.closedAt);
  }
  if (c.closedAt === null && c.status !== 'ASSESSMENT' && (rng.chance(0.02) || run.quotas.planStatus.take(['ENTERED_IN_ERROR']))) {
    addCarePlan(chunk, c, chooseStatus(rng, quotas, { ENTERED_IN_ERROR: 1 }), start, start + DAY);
  }
}

function addCarePlan(chunk: Chunk, c: CaseCtx, status: CarePlanStatus, start: number, end: number | null): void {
  const { rng, rows } = chunk;
  const id = rng.uuid();
  const interval = rng.pick([30, 60, 90, 90, 90, 180]);
  const periodEnd = status === 'COMPLETED' || status === 'REVOKED' ? (end ?? c.end) : status === 'ENTERED_IN_ERROR' ? start + DAY : null;
  const reviewEnd = periodEnd ?? REF;
  const reviews = status === 'DRAFT' || status === 'ENTERED_IN_ERROR' ? [] : planReviewTimes(rng, start, reviewEnd, interval, status);
  const lastReview = reviews[reviews.length - 1];
  const nextReviewDue = periodEnd !== null || status === 'DRAFT' || status === 'ENTERED_IN_ERROR' ? null : (lastReview ?? start) + interval * DAY;

  const goals = addGoals(chunk, c, id, status, start, periodEnd ?? c.end);
  const revisions = addPlanRevisions(chunk, c, id, status, start, reviews, goals);
  reviews.forEach((when, i) => addPlanReview(chunk, c, id, when, i === reviews.length - 1 && periodEnd !== null && status === 'COMPLETED' ? 'CLOSE' : undefined, interval));

  rows.carePlan.push({
    id,
    caseId: c.id,
    title: PLAN_TITLES[c.org.setting],
    description: `Plan addressing ${goals.map((g) => g.domain.toLowerCase().replace('_', ' ')).join(', ')}.`,
    status,
    authorId: c.pcm.id,
    periodStart: status === 'DRAFT' ? null : at(start),
    periodEnd: periodEnd === null ? null : at(periodEnd),
    reviewIntervalDays: interval,
    nextReviewDue: nextReviewDue === null ? null : at(nextReviewDue),
    version: revisions,
    ...stamp(start, Math.max(start, periodEnd ?? lastReview ?? start)),
  });
  if (nextReviewDue !== null && nextReviewDue < REF && c.closedAt === null) {
    addTask(chunk, c, { kind: 'PLAN_REVIEW', created: nextReviewDue, assignee: c.pcm, createdBy: null, status: 'REQUESTED', due: nextReviewDue + 7 * DAY });
  }
  addPlanApproval(chunk, c, id, status, start);
}

/** Reviews on schedule, except that about one active plan in five has missed its latest one. */
function planReviewTimes(rng: Random, start: number, end: number, interval: number, status: CarePlanStatus): number[] {
  const times: number[] = [];
  for (let t = start + interval * DAY; t <= end; t += interval * DAY) times.push(Math.min(end, t + rng.int(-5, 5) * DAY));
  const overdue = (status === 'ACTIVE' || status === 'ON_HOLD') && times.length > 0 && rng.chance(0.2);
  if (overdue) times.pop();
  return times.slice(-4);
}

function addPlanReview(chunk: Chunk, c: CaseCtx, planId: string, when: number, forced: PlanReviewOutcome | undefined, interval: number): void {
  const { rng, rows } = chunk;
  const outcome = forced ?? rng.weightedKey<PlanReviewOutcome>({ CONTINUE: 70, REVISE: 22, ESCALATE: 8 });
  rows.planReview.push({
    id: rng.uuid(),
    carePlanId: planId,
    reviewerId: rng.chance(0.8) ? c.pcm.id : c.org.supervisor.id,
    reviewedAt: at(when),
    summary: rng.pick(REVIEW_SUMMARIES[outcome]),
    outcome,
    nextReviewDue: outcome === 'CLOSE' ? null : at(when + interval * DAY),
    ...stamp(when),
  });
}

function addPlanRevisions(chunk: Chunk, c: CaseCtx, planId: string, status: CarePlanStatus, start: number, reviews: number[], goals: { domain: NeedDomain; description: string }[]): number {
  const { rng, rows } = chunk;
  const snapshot = (s: CarePlanStatus) => ({ title: PLAN_TITLES[c.org.setting], status: s, goals: goals.map((g) => ({ domain: g.domain, description: g.description })) });
  const points: [number, CarePlanStatus, string][] = [[Math.max(c.openedAt, start - rng.int(1, 3) * DAY), 'DRAFT', 'Plan drafted']];
  if (status !== 'DRAFT' && status !== 'ENTERED_IN_ERROR') points.push([start, 'ACTIVE', 'Plan agreed with client']);
  if (reviews.length > 0 && rng.chance(0.3)) points.push([reviews[0]!, 'ACTIVE', 'Goals revised at review']);
  if (status !== 'DRAFT' && status !== 'ACTIVE') points.push([Math.max(start, reviews[reviews.length - 1] ?? start), status, `Status changed to ${status.toLowerCase().replace(/_/g, ' ')}`]);
  points.forEach(([when, s, note], i) => {
    rows.carePlanRevision.push({ id: rng.uuid(), carePlanId: planId, revision: i + 1, snapshot: snapshot(s), changedById: c.pcm.id, note, ...stamp(when) });
  });
  return points.length;
}

function addPlanApproval(chunk: Chunk, c: CaseCtx, planId: string, status: CarePlanStatus, start: number): void {
  const { rng } = chunk;
  if (!c.org.tpl.approvalRequiredFor.includes('CARE_PLAN') || status === 'ENTERED_IN_ERROR') return;
  if (status === 'DRAFT') {
    if (rng.chance(0.5)) addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, REF - rng.int(0, 7) * DAY, null);
  } else {
    const rejectedFirst = rng.chance(0.05);
    if (rejectedFirst) addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, start - 4 * DAY, { by: c.org.supervisor, at: start - 3 * DAY, status: 'REJECTED' });
    addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, start - 2 * DAY, { by: c.org.supervisor, at: start - rng.int(0, 1) * DAY, status: 'APPROVED' });
  }
}

interface GoalInfo {
  id: string;
  domain: NeedDomain;
  description: string;
}

function addGoals(chunk: Chunk, c: CaseCtx, planId: string, planStatus: CarePlanStatus, start: number, end: number): GoalInfo[] {
  const { rng } = chunk;
  const ranked = [...c.client.needs].sort((a, b) => b[1] - a[1]);
  const count = Math.min(ranked.length, rng.int(2, 4));
  const goals: GoalInfo[] = [];
  for (let i = 0; i < Math.max(1, count); i++) {
    const [domain, severity] = ranked[i] ?? (['SOCIAL_SUPPORT', 1] as const);
    goals.push(addGoal(chunk, c, planId, planStatus, domain, severity, start, end));
  }
  return goals;
}

function addGoal(chunk: Chunk, c: CaseCtx, planId: string, planStatus: CarePlanStatus, domain: NeedDomain, severity: number, start: number, end: number): GoalInfo {
  const { rng, rows } = chunk;
  const template = rng.pick(GOALS[domain]);
  const lifecycle = rng.weightedKey(GOAL_LIFECYCLE_BY_PLAN[planStatus]);
  const achievement = achievementFor(rng, lifecycle, c.status === 'MONITORING');
  const id = rng.uuid();
  const progressed = lifecycle === 'ACTIVE' || lifecycle === 'COMPLETED' || lifecycle === 'ON_HOLD' || lifecycle === 'CANCELLED';
  const values = progressed ? addGoalProgress(chunk, c, id, template.steps, achievement, start, end) : [];
  rows.goal.push({
    id,
    carePlanId: planId,
    description: template.description,
    domain,
    priority: severity >= 3 ? 'HIGH' : severity === 2 ? 'MEDIUM' : 'LOW',
    lifecycleStatus: lifecycle,
    achievementStatus: achievement,
    targetDate: at(start + rng.int(90, 270) * DAY),
    measure: template.measure,
    targetValue: template.target,
    currentValue: values[values.length - 1] ?? null,
    version: 1 + values.length,
    ...stamp(start, end),
  });
  addInterventions(chunk, c, planId, id, domain, lifecycle, start, end);
  return { id, domain, description: template.description };
}

/** Recorded steps toward the goal, the last one carrying the goal's achievement status. */
function addGoalProgress(chunk: Chunk, c: CaseCtx, goalId: string, steps: readonly string[], achievement: GoalAchievementStatus, start: number, end: number): string[] {
  const { rng, rows } = chunk;
  const reachesTarget = achievement === 'ACHIEVED' || achievement === 'SUSTAINING';
  const count = reachesTarget ? steps.length : rng.int(1, Math.max(1, steps.length - 1));
  const candidates = c.interactions.filter((i) => i.at >= start && i.at <= end);
  const times: { at: number; interaction: InteractionInfo | null }[] = [];
  for (let i = 0; i < count; i++) {
    const interaction = candidates.length > 0 && rng.chance(0.5) ? rng.pick(candidates) : null;
    times.push({ at: interaction?.at ?? rng.timeBetween(start, end), interaction });
  }
  times.sort((a, b) => a.at - b.at);
  const linked = new Set<string>();
  const values: string[] = [];
  times.forEach((t, i) => {
    const value = steps[reachesTarget ? i : Math.min(i, steps.length - 1)] ?? null;
    const lastOne = i === times.length - 1;
    rows.goalProgress.push({
      id: rng.uuid(),
      goalId,
      value,
      achievementStatus: lastOne ? achievement : rng.pick<GoalAchievementStatus>(['IN_PROGRESS', 'IMPROVING', 'NO_CHANGE']),
      note: rng.chance(0.5) ? rng.pick(['Client reports steady progress.', 'Barrier: transport to appointments.', 'Discussed at visit.', 'Family supporting this goal.']) : null,
      recordedById: t.interaction?.staffId ?? c.pcm.id,
      recordedAt: at(t.at),
      interactionId: t.interaction?.id ?? null,
      ...stamp(t.at),
    });
    if (value !== null) values.push(value);
    if (t.interaction && !linked.has(t.interaction.id)) {
      linked.add(t.interaction.id);
      rows.goalInteraction.push({ A: goalId, B: t.interaction.id });
    }
  });
  return values;
}

function interventionStatus(rng: Random, lifecycle: GoalLifecycleStatus): InterventionStatus {
  switch (lifecycle) {
    case 'COMPLETED':
      return 'COMPLETED';
    case 'ACTIVE':
      return rng.weightedKey<InterventionStatus>({ IN_PROGRESS: 40, SCHEDULED: 20, NOT_STARTED: 10, COMPLETED: 30 });
    case 'ON_HOLD':
      return rng.weightedKey<InterventionStatus>({ NOT_STARTED: 5, STOPPED: 3, IN_PROGRESS: 2 });
    case 'CANCELLED':
    case 'REJECTED':
      return rng.weightedKey<InterventionStatus>({ CANCELLED: 2, STOPPED: 1 });
    default:
      return rng.weightedKey<InterventionStatus>({ NOT_STARTED: 2, SCHEDULED: 1 });
  }
}

function addInterventions(chunk: Chunk, c: CaseCtx, planId: string, goalId: string, domain: NeedDomain, lifecycle: GoalLifecycleStatus, start: number, end: number): void {
  const { rng, rows } = chunk;
  const count = lifecycle === 'PROPOSED' || lifecycle === 'REJECTED' ? rng.int(0, 1) : rng.int(1, 2);
  const referral = c.referrals.find((r) => r.domain === domain);
  const texts = rng.sample(INTERVENTIONS[domain], count);
  texts.forEach((description, i) => {
    const status = interventionStatus(rng, lifecycle);
    const due = start + rng.int(14, 120) * DAY;
    const viaReferral = i === 0 && referral !== undefined;
    const created = Math.min(start, end);
    rows.intervention.push({
      id: rng.uuid(),
      carePlanId: planId,
      goalId,
      description: viaReferral ? `${description} (referral)` : description,
      assignedToId: viaReferral && rng.chance(0.5) ? null : (rng.chance(0.7) || c.members.length === 0 ? c.pcm : rng.pick(c.members)).id,
      referralId: viaReferral ? referral.id : null,
      status,
      dueDate: at(due),
      completedAt: status === 'COMPLETED' ? at(rng.timeBetween(created, Math.max(created, Math.min(end, due + 14 * DAY)))) : null,
      version: status === 'NOT_STARTED' ? 1 : 2,
      ...stamp(created, end),
    });
  });
}

// ------------------------------------------------------------------ crises

const CRISIS_MIX: Readonly<Record<Setting, Partial<Record<CrisisCategory, number>>>> = {
  HOSPITAL: { MEDICAL_EMERGENCY: 30, MENTAL_HEALTH: 15, SUICIDE_RISK: 10, SUBSTANCE_OVERDOSE: 10, HOUSING_LOSS: 10, ABUSE_NEGLECT: 8, FINANCIAL_EMERGENCY: 6, VIOLENCE_RISK: 5, SELF_HARM: 4, MISSING_PERSON: 2 },
  SCHOOL: { SELF_HARM: 20, SUICIDE_RISK: 15, ABUSE_NEGLECT: 20, MENTAL_HEALTH: 15, VIOLENCE_RISK: 12, MISSING_PERSON: 8, HOUSING_LOSS: 6, MEDICAL_EMERGENCY: 4 },
  CORRECTIONAL: { VIOLENCE_RISK: 20, SUICIDE_RISK: 18, MENTAL_HEALTH: 18, SUBSTANCE_OVERDOSE: 15, MEDICAL_EMERGENCY: 12, SELF_HARM: 10, HOUSING_LOSS: 7 },
  COMMUNITY: { HOUSING_LOSS: 22, FINANCIAL_EMERGENCY: 15, MENTAL_HEALTH: 14, SUBSTANCE_OVERDOSE: 10, SUICIDE_RISK: 8, ABUSE_NEGLECT: 8, MEDICAL_EMERGENCY: 8, VIOLENCE_RISK: 6, MISSING_PERSON: 4, OTHER: 5 },
  HOME_HEALTH: { MEDICAL_EMERGENCY: 35, ABUSE_NEGLECT: 18, MISSING_PERSON: 10, FINANCIAL_EMERGENCY: 12, MENTAL_HEALTH: 8, HOUSING_LOSS: 7, OTHER: 10 },
  OTHER: { OTHER: 1 },
};

const SEVERE_CATEGORIES: ReadonlySet<CrisisCategory> = new Set(['SUICIDE_RISK', 'SUBSTANCE_OVERDOSE', 'MEDICAL_EMERGENCY', 'MISSING_PERSON']);
/** Minutes within which a crisis must be acknowledged before it is escalated. */
const ACK_MINUTES: Readonly<Record<CrisisSeverity, number>> = { CRITICAL: 15, HIGH: 30, MODERATE: 240, LOW: 1440 };
/** How long before the reference date a crisis in each live status was reported (hours). */
const LIVE_CRISIS_AGE_HOURS: Readonly<Partial<Record<CrisisStatus, readonly [number, number]>>> = {
  OPEN: [0, 6],
  ACKNOWLEDGED: [1, 48],
  RESPONDING: [2, 120],
  STABILIZED: [24, 14 * 24],
};

function addCrises(chunk: Chunk, client: ClientCtx): void {
  const { run, rng } = chunk;
  const current = client.cases[client.cases.length - 1];
  const open = current && current.closedAt === null ? current : null;
  const quotas = [...(open?.isCasey ? [run.caseyQuotas.crisisStatus] : []), run.quotas.crisisStatus];
  let count = rng.weighted([[0, 88], [1, 10], [2, 2]]);
  if (count === 0 && open && open.status !== 'REFERRED' && quotas.some((q) => !q.complete)) count = 1;
  for (let i = 0; i < count; i++) {
    const live = open !== null && open.status !== 'REFERRED' && i === 0;
    const status = chooseStatus(rng, quotas, live ? { OPEN: 6, ACKNOWLEDGED: 6, RESPONDING: 8, STABILIZED: 10, RESOLVED: 25, CLOSED: 45 } : { RESOLVED: 30, CLOSED: 70 });
    // A settled crisis belongs to a case that was open long enough, or to none (it came first).
    const settled = client.cases.filter((k) => k.openedAt < REF - 30 * DAY);
    const c = live ? open : settled.length > 0 && rng.chance(0.95) ? rng.pick(settled) : null;
    addCrisis(chunk, client, c, status);
  }
}

function addCrisis(chunk: Chunk, client: ClientCtx, c: CaseCtx | null, status: CrisisStatus): void {
  const { run, rng, rows } = chunk;
  const org = c?.org ?? client.org;
  const category = rng.weightedKey(CRISIS_MIX[org.setting]);
  const severityWeights: Partial<Record<CrisisSeverity, number>> = SEVERE_CATEGORIES.has(category) ? { LOW: 5, MODERATE: 25, HIGH: 40, CRITICAL: 30 } : { LOW: 20, MODERATE: 40, HIGH: 28, CRITICAL: 12 };
  const severity = chooseStatus(rng, [run.quotas.crisisSeverity], severityWeights);
  const text = CRISES[category];
  const live = LIVE_CRISIS_AGE_HOURS[status];
  const windowStart = c?.openedAt ?? REF - 365 * DAY;
  const windowEnd = c?.end ?? REF;
  // Settled crises happened at least a month back, so their whole history fits before the reference date.
  const reportedAt = live
    ? Math.min(REF - 30 * MINUTE, Math.max(windowStart + HOUR, REF - rng.int(live[0] * 60, live[1] * 60) * MINUTE))
    : rng.timeBetween(windowStart, Math.max(windowStart, Math.min(windowEnd - 2 * DAY, REF - 30 * DAY)));

  const team = c ? [c.pcm, ...c.members] : [org.supervisor];
  const reporter = rng.pick(team);
  const supervisor = c ? supervisorOf(run, c.pcm) : org.supervisor;
  const ackTarget = ACK_MINUTES[severity];
  const escalationDueAt = reportedAt + ackTarget * MINUTE;

  const actions: { at: number; actor: StaffInfo; action: string; from: CrisisStatus | null; to: CrisisStatus | null }[] = [
    { at: reportedAt, actor: reporter, action: 'Crisis reported', from: null, to: 'OPEN' },
  ];
  const path = CRISIS_STATUSES.slice(0, CRISIS_STATUSES.indexOf(status) + 1);
  let t = reportedAt;
  let acknowledgedAt: number | null = null;
  const acknowledger = rng.chance(0.7) && c ? c.pcm : rng.pick(team);
  // Nothing after the reference date; steps squeezed against it keep their order.
  const next = (proposed: number) => (t = Math.max(t + MINUTE, Math.min(proposed, REF - 10 * MINUTE)));
  for (let i = 1; i < path.length; i++) {
    const step = path[i] as CrisisStatus;
    next(t + crisisStepDelay(rng, step, ackTarget));
    if (step === 'ACKNOWLEDGED') acknowledgedAt = t;
    actions.push({ at: t, actor: step === 'CLOSED' ? supervisor : acknowledger, action: crisisStepText(step, text), from: path[i - 1] as CrisisStatus, to: step });
    if (step === 'RESPONDING') {
      for (const extra of text.actions.slice(1)) actions.push({ at: next(t + rng.int(10, 240) * MINUTE), actor: acknowledger, action: extra, from: null, to: null });
    }
  }
  // Not acknowledged in time: escalated to supervisors (again when very late).
  const lateBy = (acknowledgedAt ?? REF) - escalationDueAt;
  const escalationCount = lateBy <= 0 ? 0 : lateBy > 4 * ackTarget * MINUTE ? 2 : 1;
  if (escalationCount > 0) actions.push({ at: escalationDueAt, actor: supervisor, action: `Escalated to supervisors: not acknowledged within ${ackTarget} minutes`, from: null, to: null });
  actions.sort((a, b) => a.at - b.at);

  const id = rng.uuid();
  const resolvedAt = actions.find((a) => a.to === 'RESOLVED')?.at ?? null;
  const closedAt = actions.find((a) => a.to === 'CLOSED')?.at ?? null;
  const lastAt = actions[actions.length - 1]!.at;
  const reached = (s: CrisisStatus) => CRISIS_STATUSES.indexOf(status) >= CRISIS_STATUSES.indexOf(s);
  rows.crisisEvent.push({
    id,
    clientId: client.id,
    caseId: c?.id ?? null,
    organizationId: org.id,
    category,
    severity,
    status,
    description: text.description,
    reportedById: reporter.id,
    reportedAt: at(reportedAt),
    acknowledgedById: acknowledgedAt === null ? null : acknowledger.id,
    acknowledgedAt: acknowledgedAt === null ? null : at(acknowledgedAt),
    escalationDueAt: at(escalationDueAt),
    escalatedAt: escalationCount > 0 ? at(escalationDueAt) : null,
    escalationCount,
    clinicalAssessment: reached('RESPONDING') || (reached('ACKNOWLEDGED') && rng.chance(0.4)) ? text.assessment : null,
    responsePlan: reached('RESPONDING') ? text.response : null,
    resolution: reached('RESOLVED') ? text.resolution : null,
    resolvedAt: resolvedAt === null ? null : at(resolvedAt),
    closedAt: closedAt === null ? null : at(closedAt),
    version: path.length,
    ...stamp(reportedAt, lastAt),
  });
  for (const a of actions) {
    rows.crisisAction.push({ id: rng.uuid(), crisisId: id, actorId: a.actor.id, at: at(a.at), action: a.action, fromStatus: a.from, toStatus: a.to, ...stamp(a.at) });
  }
  if (c && reached('RESPONDING') && rng.chance(0.5)) {
    const severe = severity === 'HIGH' || severity === 'CRITICAL';
    const responding = actions.find((a) => a.to === 'RESPONDING')!.at;
    addAssessment(chunk, c, 'CRISIS', Math.min(responding + HOUR, Math.max(responding, REF - MINUTE)), 0, severe ? 1 : 0);
  }
  if (!reached('RESOLVED')) client.openCrisisRisk = maxRisk(client.openCrisisRisk, crisisRisk(severity));
}

/** Time from the previous step to `step`; most crises are acknowledged within their target. */
function crisisStepDelay(rng: Random, step: CrisisStatus, ackTarget: number): number {
  switch (step) {
    case 'ACKNOWLEDGED':
      return Math.max(1, Math.round(ackTarget * (rng.chance(0.8) ? rng.float(0.1, 0.9) : rng.float(1.1, 6)))) * MINUTE;
    case 'RESPONDING':
      return rng.int(10, 180) * MINUTE;
    case 'STABILIZED':
      return rng.int(6, 72) * HOUR;
    case 'RESOLVED':
      return rng.int(1, 10) * DAY;
    default:
      return rng.int(1, 14) * DAY;
  }
}

function crisisStepText(step: CrisisStatus, text: CrisisText): string {
  switch (step) {
    case 'ACKNOWLEDGED':
      return 'Acknowledged; contacting client';
    case 'RESPONDING':
      return text.actions[0] ?? 'Responding';
    case 'STABILIZED':
      return 'Client stabilized; monitoring';
    case 'RESOLVED':
      return `Resolved: ${text.resolution}`;
    case 'CLOSED':
      return 'Closed after supervisor review';
    default:
      return step;
  }
}

// ------------------------------------------------------------------ follow-ups, tasks

function addFollowUps(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  if (c.client.status === 'DECEASED' && c.closedAt !== null) return;
  const assignee = c.pcm.active ? c.pcm : c.org.supervisor;
  if (c.closedAt !== null) {
    const kind: FollowUpKind = c.org.setting === 'HOSPITAL' ? 'POST_DISCHARGE' : c.org.setting === 'CORRECTIONAL' ? 'POST_RELEASE' : 'ROUTINE_CHECK';
    addFollowUp(chunk, c, kind, c.closedAt + rng.int(5, 10) * DAY, assignee);
    if (rng.chance(0.6)) addFollowUp(chunk, c, kind, c.closedAt + rng.int(28, 35) * DAY, assignee);
  } else if (c.status === 'MONITORING') {
    addFollowUp(chunk, c, 'ROUTINE_CHECK', REF - rng.int(10, 60) * DAY, assignee);
    addFollowUp(chunk, c, 'ROUTINE_CHECK', REF + rng.int(3, 45) * DAY, assignee);
  } else if (c.status === 'ACTIVE' && rng.chance(0.3)) {
    addFollowUp(chunk, c, rng.chance(0.5) ? 'PLAN_REVIEW' : 'ROUTINE_CHECK', REF + rng.int(-20, 30) * DAY, assignee);
  }
}

function addFollowUp(chunk: Chunk, c: CaseCtx, kind: FollowUpKind, scheduledFor: number, assignee: StaffInfo): void {
  const { rng, rows } = chunk;
  const status: FollowUpStatus = scheduledFor > REF ? 'SCHEDULED' : rng.weightedKey<FollowUpStatus>({ COMPLETED: 68, MISSED: 18, CANCELLED: 6, SCHEDULED: 8 });
  const completedAt = status === 'COMPLETED' ? Math.min(REF, scheduledFor + rng.int(0, 2) * DAY + rng.int(0, 300) * MINUTE) : null;
  const change = () => rng.weightedKey<HealthChange>({ IMPROVED: 45, UNCHANGED: 40, DECLINED: 15 });
  const satisfaction = status === 'COMPLETED' ? rng.weighted([[1, 4], [2, 7], [3, 18], [4, 38], [5, 33]]) : null;
  const health = status === 'COMPLETED' ? change() : null;
  const mental = status === 'COMPLETED' ? change() : null;
  const needsReassessment = health === 'DECLINED' || mental === 'DECLINED' || (satisfaction !== null && satisfaction <= 2);
  const created = Math.min(REF, scheduledFor - rng.int(3, 20) * DAY);
  rows.followUp.push({
    id: rng.uuid(),
    caseId: c.id,
    clientId: c.client.id,
    kind,
    scheduledFor: at(scheduledFor),
    status,
    assignedToId: assignee.id,
    completedAt: completedAt === null ? null : at(completedAt),
    reachedClient: status === 'COMPLETED' ? true : status === 'MISSED' ? false : null,
    satisfaction,
    healthChange: health,
    mentalHealthChange: mental,
    needsReassessment,
    notes: status === 'MISSED' ? 'Three call attempts, no answer; letter sent.' : status === 'CANCELLED' ? rng.pick(['Client readmitted.', 'Client asked not to be contacted.']) : status === 'COMPLETED' ? rng.pick(['Client doing well at home.', 'Medications in place; follow-up appointments kept.', 'Struggling with transport to appointments.']) : null,
    version: status === 'SCHEDULED' ? 1 : 2,
    ...stamp(created, completedAt ?? (status === 'SCHEDULED' ? created : Math.min(REF, scheduledFor + DAY))),
  });
  // The server's rule: a follow-up reporting decline flags the case with a reassessment task.
  if (needsReassessment && completedAt !== null) {
    const older = REF - completedAt > 30 * DAY;
    addTask(chunk, c, { kind: 'REASSESSMENT', created: completedAt, assignee: c.pcm.active ? c.pcm : assignee, createdBy: null, status: older ? 'COMPLETED' : rng.pick<TaskStatus>(['REQUESTED', 'ACCEPTED']), due: completedAt + 7 * DAY });
  }
}

function addCaseTasks(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const open = c.closedAt === null;
  const count = open ? rng.weighted([[0, 30], [1, 35], [2, 25], [3, 10]]) : rng.weighted([[0, 60], [1, 30], [2, 10]]);
  for (let i = 0; i < count; i++) {
    const created = open ? Math.max(c.openedAt, REF - rng.int(0, 30) * DAY - rng.int(0, 600) * MINUTE) : rng.timeBetween(c.openedAt, c.end);
    const status = open ? rng.weightedKey<TaskStatus>({ REQUESTED: 20, ACCEPTED: 15, IN_PROGRESS: 20, COMPLETED: 40, CANCELLED: 5 }) : rng.weightedKey<TaskStatus>({ COMPLETED: 9, CANCELLED: 1 });
    const assignee = rng.chance(0.75) || c.members.length === 0 ? c.pcm : rng.pick(c.members);
    addTask(chunk, c, {
      kind: rng.weightedKey<TaskKind>({ FORM: 35, CALL_BACK: 30, OTHER: 20, HANDOFF: 5 }),
      created,
      assignee,
      createdBy: rng.chance(0.6) ? c.pcm : rng.chance(0.5) ? c.org.supervisor : null,
      status,
      due: created + rng.int(2, 14) * DAY,
    });
  }
}

function addTask(chunk: Chunk, c: CaseCtx, t: { kind: TaskKind; created: number; assignee: StaffInfo; createdBy: StaffInfo | null; status: TaskStatus; due: number }): void {
  const { rng, rows } = chunk;
  const limit = c.closedAt ?? REF;
  const completedAt = t.status === 'COMPLETED' ? rng.timeBetween(t.created, Math.max(t.created, Math.min(limit, t.due + 3 * DAY))) : null;
  rows.task.push({
    id: rng.uuid(),
    caseId: c.id,
    assigneeId: t.assignee.id,
    createdById: t.createdBy?.id ?? null,
    kind: t.kind,
    title: rng.pick(TASKS[t.kind]),
    description: null,
    dueAt: at(t.due),
    status: t.status,
    completedAt: completedAt === null ? null : at(completedAt),
    version: t.status === 'REQUESTED' ? 1 : 2,
    ...stamp(t.created, completedAt ?? t.created),
  });
}

// ------------------------------------------------------------------ consents

function addConsents(chunk: Chunk, client: ClientCtx): void {
  const { rng } = chunk;
  const recorder = client.pcm?.active ? client.pcm : client.org.supervisor;
  const start = client.firstActivity + rng.int(0, 3) * DAY;
  addConsent(chunk, client, 'GENERAL', { organizationId: client.org.id }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 85, REVOKED: 5, EXPIRED: 10 }));
  for (const referral of client.referredProviders.slice(0, 2)) {
    const category: ConsentCategory = referral.domain === 'SUBSTANCE_USE' ? 'SUBSTANCE_USE' : 'MENTAL_HEALTH';
    addConsent(chunk, client, category, { providerId: referral.providerId }, referral.at - HOUR, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 75, REVOKED: 15, EXPIRED: 10 }));
  }
  const emergency = client.relations.find((r) => r.emergency && r.consentToShare);
  if (emergency && rng.chance(0.5)) addConsent(chunk, client, 'GENERAL', { relatedPersonId: emergency.personId }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 85, REVOKED: 15 }));
  if (client.org.setting === 'SCHOOL' && rng.chance(0.4)) addConsent(chunk, client, 'EDUCATION', { organizationId: client.org.id }, start, recorder, 'ACTIVE');
  if (client.org.setting === 'CORRECTIONAL' && rng.chance(0.5)) {
    const community = chunk.run.orgs.filter((o) => o.setting === 'COMMUNITY');
    addConsent(chunk, client, 'CRIMINAL_JUSTICE', { organizationId: rng.pick(community).id }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 80, REVOKED: 20 }));
  }
  if (rng.chance(0.01)) {
    const medical = chunk.run.providersByKind.get('MEDICAL') ?? [];
    if (medical.length > 0) addConsent(chunk, client, 'HIV', { providerId: rng.pick(medical).id }, start, recorder, 'ACTIVE');
  }
}

function addConsent(
  chunk: Chunk,
  client: ClientCtx,
  category: ConsentCategory,
  grantee: { organizationId?: string; providerId?: string; relatedPersonId?: string },
  start: number,
  recorder: StaffInfo,
  status: ConsentStatus,
): void {
  const { rng, rows } = chunk;
  const periodStart = Math.min(start, REF - DAY);
  // Expired consents ran for a year; revoked ones were withdrawn part-way.
  const periodEnd = status === 'EXPIRED' ? Math.min(REF - DAY, periodStart + 365 * DAY) : status === 'ACTIVE' && rng.chance(0.5) ? Math.max(REF + 30 * DAY, periodStart + 365 * DAY) : null;
  const revokedAt = status === 'REVOKED' ? rng.timeBetween(periodStart, REF) : null;
  rows.consent.push({
    id: rng.uuid(),
    clientId: client.id,
    category,
    granteeOrganizationId: grantee.organizationId ?? null,
    granteeProviderId: grantee.providerId ?? null,
    granteeRelatedPersonId: grantee.relatedPersonId ?? null,
    periodStart: at(periodStart),
    periodEnd: periodEnd === null ? null : at(periodEnd),
    status,
    recordedById: recorder.id,
    revokedAt: revokedAt === null ? null : at(revokedAt),
    revokedById: revokedAt === null ? null : recorder.id,
    note: status === 'REVOKED' ? 'Client withdrew consent.' : null,
    version: status === 'ACTIVE' ? 1 : 2,
    ...stamp(periodStart, revokedAt ?? (status === 'EXPIRED' ? periodEnd! : periodStart)),
  });
}
