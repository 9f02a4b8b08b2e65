// Maintaining the provider directory: supervisors and administrators (a Forbidden result for
// anyone else, checked in src/services/providers.ts like the other role rules).
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { addProviderService, registerProvider, updateProvider, updateProviderService } from '../../services/providers.js';
import { emailAddress, idOf, languageCode, phoneNumber, shortText, clientMutationIdText } from '../client/client-mutations.js';
import { ProviderKindEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Provider } from './provider.js';

type FieldsOf = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const providerName = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');
const payerList = z.array(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters')).max(30, 'at most 30 payers');
const count = (max: number) => z.number().int('must be a whole number').min(0, 'must not be negative').max(max, `at most ${max}`);

function providerFields(t: FieldsOf) {
  return {
    isOrganization: t.boolean({ description: 'An agency or clinic (true, the default) or an individual practitioner (false)' }),
    region: t.string({ validate: shortText(100) }),
    addressLine: t.string({ validate: shortText(300) }),
    city: t.string({ validate: shortText(100) }),
    latitude: t.float({ validate: z.number().min(-90, 'must be -90 to 90').max(90, 'must be -90 to 90') }),
    longitude: t.float({ validate: z.number().min(-180, 'must be -180 to 180').max(180, 'must be -180 to 180') }),
    phone: t.string({ validate: phoneNumber }),
    email: t.string({ validate: emailAddress }),
    languages: t.stringList({
      description: 'Languages clients are served in, as codes ("en", "es", "pt-BR")',
      validate: z.array(languageCode).max(30, 'at most 30 languages'),
    }),
    acceptingNewClients: t.boolean(),
  };
}

function serviceFields(t: FieldsOf) {
  return {
    description: t.string({ validate: shortText(2000) }),
    costPerUnit: t.float({
      description: 'In the agency currency, rounded to cents',
      validate: z.number().min(0, 'must not be negative').max(1_000_000_000, 'is implausibly high'),
    }),
    costUnit: t.string({ description: 'session, night, month, visit...', validate: shortText(50) }),
    acceptedPayers: t.stringList({ validate: payerList }),
    capacity: t.int({ validate: count(1_000_000) }),
    openSlots: t.int({ validate: count(1_000_000) }),
    typicalWaitDays: t.int({ validate: count(3650) }),
  };
}

const NewProviderServiceInput = builder.inputType('NewProviderServiceInput', {
  fields: (t) => ({
    serviceType: t.field({ type: ProviderKindEnum, required: true }),
    name: t.string({ required: true, validate: providerName }),
    ...serviceFields(t),
  }),
});

const RegisterProviderInput = builder.inputType('RegisterProviderInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: providerName }),
    kind: t.field({ type: ProviderKindEnum, required: true }),
    ...providerFields(t),
    services: t.field({ type: [NewProviderServiceInput], validate: z.array(z.unknown()).max(50, 'at most 50 services') }),
    clientMutationId: t.string({ validate: clientMutationIdText }),
  }),
});

const UpdateProviderInput = builder.inputType('UpdateProviderInput', {
  description: 'Only the fields given change; null clears an optional field.',
  fields: (t) => ({
    providerId: t.globalID({ for: Provider, required: true }),
    expectedVersion: t.int(),
    name: t.string({ validate: providerName }),
    kind: t.field({ type: ProviderKindEnum }),
    ...providerFields(t),
    active: t.boolean({ description: 'false retires the provider from the directory' }),
  }),
});

const AddProviderServiceInput = builder.inputType('AddProviderServiceInput', {
  fields: (t) => ({
    providerId: t.globalID({ for: Provider, required: true }),
    serviceType: t.field({ type: ProviderKindEnum, required: true }),
    name: t.string({ required: true, validate: providerName }),
    ...serviceFields(t),
    clientMutationId: t.string({ validate: clientMutationIdText }),
  }),
});

const UpdateProviderServiceInput = builder.inputType('UpdateProviderServiceInput', {
  fields: (t) => ({
    serviceId: t.globalID({ required: true, description: 'A ProviderService id' }),
    expectedVersion: t.int(),
    serviceType: t.field({ type: ProviderKindEnum }),
    name: t.string({ validate: providerName }),
    ...serviceFields(t),
    active: t.boolean({ description: 'false withdraws the service' }),
  }),
});

builder.mutationFields((t) => ({
  registerProvider: t.prismaField({
    type: 'Provider',
    description: 'Adds a provider (and its services) to the directory: supervisors and administrators.',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: RegisterProviderInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await registerProvider(input, ctx);
      return prisma.provider.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateProvider: t.prismaField({
    type: 'Provider',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UpdateProviderInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateProvider({ ...input, providerId: input.providerId.id }, ctx);
      return prisma.provider.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addProviderService: t.prismaField({
    type: 'ProviderService',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: AddProviderServiceInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await addProviderService({ ...input, providerId: input.providerId.id }, ctx);
      return prisma.providerService.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateProviderService: t.prismaField({
    type: 'ProviderService',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UpdateProviderServiceInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const serviceId = idOf(input.serviceId, 'ProviderService', 'serviceId');
      const { id } = await updateProviderService({ ...input, serviceId }, ctx);
      return prisma.providerService.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
