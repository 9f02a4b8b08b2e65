// The tables the seed writes, as batches of rows keyed by table, and the order they go in.
import type { Prisma } from '../generated/prisma/client.js';

/** Rows written per table (`goalInteraction` is the Goal <-> Interaction link table). */
export type SeedSummary = Record<TableKey, number>;

export interface Batch {
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

export type TableKey = keyof Batch;

/** Foreign-key order: a table only references tables of earlier levels (or itself, earlier rows). */
export const INSERT_LEVELS: readonly (readonly TableKey[])[] = [
  ['organization', 'provider', 'relatedPerson'],
  ['team', 'staffMember', 'providerService', 'client'],
  ['teamMembership', 'clientIdentifier', 'clientRelationship', 'case'],
  ['careTeamMember', 'assessment', 'carePlan', 'referral', 'interaction', 'crisisEvent', 'followUp', 'task', 'consent', 'caseTransfer', 'approval'],
  ['needScore', 'goal', 'planReview', 'carePlanRevision', 'referralEvent', 'interactionParticipant', 'crisisAction'],
  ['goalProgress', 'intervention', 'goalInteraction'],
];

const TABLES = INSERT_LEVELS.flat();

export function emptyBatch(): Batch {
  return Object.fromEntries(TABLES.map((t) => [t, []])) as unknown as Batch;
}

export function emptySummary(): SeedSummary {
  return Object.fromEntries(TABLES.map((t) => [t, 0])) as SeedSummary;
}

/** Database table of each batch key ("A" = Goal id, "B" = Interaction id in the implicit link table). */
export function tableName(table: TableKey): string {
  return table === 'goalInteraction' ? '_GoalToInteraction' : table.charAt(0).toUpperCase() + table.slice(1);
}

/** Where the rows go: ./prisma-writer.ts (through a Prisma client) or ./copy-writer.ts (COPY). */
export interface SeedWriter {
  /** Organizations, staff and providers: written before any chunk, which all refer to them. */
  writeFixtures(rows: Batch): Promise<void>;
  /** A writer for the next chunk of clients. */
  chunk(): ChunkWriter;
  /** After the last chunk has been written: checks what writing did not (foreign keys). */
  check(): Promise<void>;
  /** After the last change to the data set: builds the indexes writing set aside, and says how many. */
  finish(): Promise<number>;
  close(): Promise<void>;
}

export interface ChunkWriter {
  /** Handed each household's rows as they are generated; if present, it takes them (empties the arrays). */
  take?(rows: Batch): void;
  /** Writes the chunk (what `take` did not take). Chunks never refer to each other: several may be in flight. */
  write(rows: Batch): Promise<void>;
}
