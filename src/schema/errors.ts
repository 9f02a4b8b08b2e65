// Typed error results. Mutations list the ones they can return (`errors: { types: [...] }`);
// clients select `... on Error { message code }` and the specific fields they care about.
import { InputValidationError, type StandardSchemaV1 } from '@pothos/plugin-validation';
import { builder } from '../builder.js';
import {
  AppError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
  StaleVersionError,
  ValidationError,
  ConsentRequiredError,
} from '../errors.js';

export const ErrorInterface = builder.interfaceRef<Error & { code?: string }>('Error').implement({
  description: 'An expected failure: nothing was changed.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.string({ resolve: (error) => error.code ?? 'BAD_USER_INPUT' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', { nullable: true, description: 'The input field that was wrong' }),
  }),
});

const InputValidationIssue = builder.objectRef<StandardSchemaV1.Issue>('InputValidationIssue').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    path: t.stringList({
      description: 'Where in the input the problem is, e.g. ["input", "dateOfBirth"]',
      resolve: (issue) =>
        issue.path?.map((part) => String(typeof part === 'object' ? part.key : part)) ?? [],
    }),
  }),
});

// Raised by the validation plugin before the resolver runs.
builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({ type: [InputValidationIssue], resolve: (error) => error.issues }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFound',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity'),
    id: t.exposeString('id'),
  }),
});

builder.objectType(ForbiddenError, { name: 'Forbidden', interfaces: [ErrorInterface] });

builder.objectType(InvalidTransitionError, {
  name: 'InvalidTransition',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity'),
    from: t.exposeString('from'),
    to: t.exposeString('to'),
    allowed: t.exposeStringList('allowed'),
  }),
});

builder.objectType(StaleVersionError, {
  name: 'StaleVersion',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity'),
    id: t.exposeString('id'),
    expectedVersion: t.exposeInt('expectedVersion'),
    currentVersion: t.exposeInt('currentVersion'),
  }),
});

builder.objectType(RuleViolationError, {
  name: 'RuleViolation',
  interfaces: [ErrorInterface],
  fields: (t) => ({ rule: t.exposeString('rule') }),
});

builder.objectType(ConsentRequiredError, {
  name: 'ConsentRequired',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    category: t.exposeString('category', { description: 'The ConsentCategory that needs consent' }),
    grantee: t.exposeString('grantee'),
  }),
});

/** The errors every mutation can return. */
export const commonErrors = [
  InputValidationError,
  ValidationError,
  NotFoundError,
  ForbiddenError,
  StaleVersionError,
] as const;

export { AppError };
