// The provider directory: service providers (agencies, clinics, practitioners) and the
// services they offer, with cost, capacity and wait. Every staff member reads it; supervisors
// and administrators maintain it: an entry their organization registered, or one of the shared
// directory (no organization). Providers are never deleted: `active: false` retires one.
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { ProviderKind } from '../generated/prisma/enums.js';
import { runCreate, runMutation, type MutationScope } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

export const PROVIDER_MANAGER_ROLES = ['SUPERVISOR', 'ADMIN'] as const;

function requireProviderManager(scope: MutationScope) {
  if (!scope.viewer.roles.some((role) => (PROVIDER_MANAGER_ROLES as readonly string[]).includes(role))) {
    throw new ForbiddenError('Only supervisors and administrators maintain the provider directory');
  }
}

/** Another organization's entry is theirs to keep. */
function requireMaintainer(scope: MutationScope, provider: { organizationId: string | null }) {
  if (provider.organizationId !== null && provider.organizationId !== scope.viewer.organizationId) {
    throw new ForbiddenError('This provider is maintained by another organization');
  }
}

export interface ProviderFields {
  name?: string | null;
  kind?: ProviderKind | null;
  isOrganization?: boolean | null;
  region?: string | null;
  addressLine?: string | null;
  city?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  phone?: string | null;
  email?: string | null;
  languages?: string[] | null;
  acceptingNewClients?: boolean | null;
  active?: boolean | null;
}

export interface ProviderServiceFields {
  serviceType?: ProviderKind | null;
  name?: string | null;
  description?: string | null;
  costPerUnit?: number | null;
  costUnit?: string | null;
  acceptedPayers?: string[] | null;
  capacity?: number | null;
  openSlots?: number | null;
  typicalWaitDays?: number | null;
  active?: boolean | null;
}

const REQUIRED_PROVIDER_FIELDS = ['name', 'kind', 'isOrganization', 'languages', 'acceptingNewClients', 'active'] as const;
const REQUIRED_SERVICE_FIELDS = ['serviceType', 'name', 'acceptedPayers', 'active'] as const;

/**
 * The Prisma data of a partial update: `undefined` leaves a column alone, `null` clears it.
 * Columns that cannot be cleared refuse null with a ValidationError naming the field.
 */
function partial<T extends object>(fields: T, required: readonly string[], prefix = ''): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === null && required.includes(key)) throw new ValidationError(`${key} cannot be cleared`, `${prefix}${key}`);
    data[key] = value;
  }
  return data;
}

function languages(list: string[] | null | undefined): string[] | undefined {
  return list ? [...new Set(list.map((code) => code.trim().toLowerCase()))] : undefined;
}

/** Rounds to cents, the column's precision. */
function money(value: number | null | undefined): number | null | undefined {
  return value == null ? value : Math.round(value * 100) / 100;
}

function checkSlots(service: { capacity?: number | null; openSlots?: number | null }, prefix: string) {
  if (service.capacity != null && service.openSlots != null && service.openSlots > service.capacity) {
    throw new ValidationError('Open slots cannot exceed the capacity', `${prefix}openSlots`);
  }
}

function serviceData(service: ProviderServiceFields, prefix: string) {
  checkSlots(service, prefix);
  return {
    ...partial(service, REQUIRED_SERVICE_FIELDS, prefix),
    costPerUnit: money(service.costPerUnit),
    acceptedPayers: service.acceptedPayers ? [...new Set(service.acceptedPayers)] : undefined,
  };
}

type NewService = ProviderServiceFields & { serviceType: ProviderKind; name: string };

/** The create data of a new service: the required columns are typed, the rest as given. */
function newServiceData(service: NewService, prefix: string) {
  return {
    ...serviceData(service, prefix),
    serviceType: service.serviceType,
    name: service.name,
    acceptedPayers: service.acceptedPayers ? [...new Set(service.acceptedPayers)] : [],
  };
}

export interface RegisterProviderInput extends ProviderFields {
  name: string;
  kind: ProviderKind;
  services?: NewService[] | null;
  clientMutationId?: string | null;
}

export function registerProvider(input: RegisterProviderInput, ctx: Context) {
  return runCreate(ctx, 'registerProvider', input.clientMutationId, async (scope) => {
    requireProviderManager(scope);
    const { tx } = scope;
    const { services, clientMutationId: _key, ...fields } = input;
    const provider = await tx.provider.create({
      data: {
        ...partial(fields, REQUIRED_PROVIDER_FIELDS),
        name: fields.name,
        kind: fields.kind,
        languages: languages(fields.languages) ?? [],
        organizationId: scope.viewer.organizationId,
        services: {
          create: (services ?? []).map((service, i) => newServiceData(service, `services.${i}.`)),
        },
      },
      select: { id: true, services: { select: { id: true } } },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Provider', entityId: provider.id });
    await scope.emit({
      topic: topics.provider(provider.id),
      kind: 'PROVIDER_REGISTERED',
      payload: { providerId: provider.id, serviceIds: provider.services.map((s) => s.id) },
    });
    return { id: provider.id };
  });
}

export function updateProvider(input: ProviderFields & { providerId: string; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'updateProvider', async (scope) => {
    requireProviderManager(scope);
    const { tx } = scope;
    const { providerId, expectedVersion, ...fields } = input;
    const provider = await tx.provider.findUnique({ where: { id: providerId }, select: { id: true, version: true, organizationId: true } });
    if (!provider) throw new NotFoundError('Provider', providerId);
    requireMaintainer(scope, provider);
    const data = { ...partial(fields, REQUIRED_PROVIDER_FIELDS), languages: languages(fields.languages) };
    const changed = Object.keys(data).filter((key) => data[key as keyof typeof data] !== undefined);
    if (changed.length === 0) throw new ValidationError('Nothing to change', null);
    await updateVersioned('Provider', provider, expectedVersion, (where) =>
      tx.provider.update({ where, data: { ...data, version: { increment: 1 } } }),
    );
    await scope.audit({ action: 'UPDATE', entityType: 'Provider', entityId: provider.id, reason: `changed ${changed.join(', ')}` });
    await scope.emit({ topic: topics.provider(provider.id), kind: 'PROVIDER_UPDATED', payload: { providerId: provider.id, fields: changed } });
    return { id: provider.id };
  });
}

export function addProviderService(
  input: NewService & { providerId: string; clientMutationId?: string | null },
  ctx: Context,
) {
  return runCreate(ctx, 'addProviderService', input.clientMutationId, async (scope) => {
    requireProviderManager(scope);
    const { tx } = scope;
    const { providerId, clientMutationId: _key, ...fields } = input;
    const provider = await tx.provider.findUnique({ where: { id: providerId }, select: { id: true, organizationId: true } });
    if (!provider) throw new NotFoundError('Provider', providerId);
    requireMaintainer(scope, provider);
    const service = await tx.providerService.create({
      data: { ...newServiceData(fields, ''), providerId: provider.id },
      select: { id: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'ProviderService', entityId: service.id });
    await scope.emit({
      topic: topics.provider(provider.id),
      kind: 'PROVIDER_SERVICE_ADDED',
      payload: { providerId: provider.id, serviceId: service.id, serviceType: fields.serviceType },
    });
    return service;
  });
}

export function updateProviderService(
  input: ProviderServiceFields & { serviceId: string; expectedVersion?: number | null },
  ctx: Context,
) {
  return runMutation(ctx, 'updateProviderService', async (scope) => {
    requireProviderManager(scope);
    const { tx } = scope;
    const { serviceId, expectedVersion, ...fields } = input;
    const service = await tx.providerService.findUnique({
      where: { id: serviceId },
      select: { id: true, version: true, providerId: true, capacity: true, openSlots: true, provider: { select: { organizationId: true } } },
    });
    if (!service) throw new NotFoundError('ProviderService', serviceId);
    requireMaintainer(scope, service.provider);
    // Slots are checked against the values the service will have after the change.
    checkSlots(
      {
        capacity: fields.capacity === undefined ? service.capacity : fields.capacity,
        openSlots: fields.openSlots === undefined ? service.openSlots : fields.openSlots,
      },
      '',
    );
    const data = serviceData(fields, '');
    const changed = Object.keys(data).filter((key) => data[key as keyof typeof data] !== undefined);
    if (changed.length === 0) throw new ValidationError('Nothing to change', null);
    await updateVersioned('ProviderService', service, expectedVersion, (where) =>
      tx.providerService.update({ where, data: { ...data, version: { increment: 1 } } }),
    );
    await scope.audit({ action: 'UPDATE', entityType: 'ProviderService', entityId: service.id, reason: `changed ${changed.join(', ')}` });
    await scope.emit({
      topic: topics.provider(service.providerId),
      kind: 'PROVIDER_SERVICE_UPDATED',
      payload: { providerId: service.providerId, serviceId: service.id, fields: changed },
    });
    return { id: service.id };
  });
}
