// Every String and ID input, in arguments and input objects at any depth, of every field
// (queries, mutations, subscriptions, filters) is checked here before the field's argument
// mappers (global-id decoding) and resolver run, so that no mutation or filter can forget it
// and nothing reaches PostgreSQL that it refuses (NUL: 22021) or that a screen or log would
// render as something else (ESC colour codes, BEL, DEL, C1, unpaired surrogates).
//   - single-line text (names, contacts, identifiers, search, ids): no control character at all;
//   - free text (a field whose name ends in note(s), description, reason, summary, comment,
//     assessment, resolution, plan, or is `action`): TAB, LF and CR are allowed.
// Lengths here are a backstop above the domain's own zod limits (names 100, addresses 300,
// reasons 2000, the longest an assessment summary of 10,000), which keep their precise
// messages: these only bound what any String input can carry (a filter, a cursor, a field
// someone adds without a limit).
// A failure is a ValidationError naming the input path (e.g. "input.familyName"): a typed
// result where the field lists ValidationError, else a GraphQL error with code BAD_USER_INPUT.
// The message never quotes the value. Pothos's own input refusals (a global id of another
// type, `before` with `first`) come out the same way, as ValidationErrors.
import SchemaBuilder, { BasePlugin, PothosValidationError, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { ValidationError } from '../../errors.js';

export const TEXT_LIMITS = {
  /** Names, contacts, identifiers, search, filters, cursors. */
  singleLine: 1_000,
  /** Notes, descriptions, reasons, summaries. */
  freeText: 20_000,
  /** Global ids are about 60 characters; event ids are integers. */
  id: 200,
} as const;

const FREE_TEXT_NAME = /(^|[a-z])(notes?|description|reason|summary|comment|assessment|resolution|plan)$/i;
const FREE_TEXT_EXACT = new Set(['action']);

export function isFreeTextField(name: string): boolean {
  return FREE_TEXT_EXACT.has(name) || FREE_TEXT_NAME.test(name);
}

// C0, DEL and C1 controls; free text keeps TAB (09), LF (0A) and CR (0D).
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F]/;
const FREE_TEXT_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

// PostgreSQL would store U+FFFD in their place (the pg driver encodes them so): a silent change.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Kind = 'singleLine' | 'freeText' | 'id';

/** Why a value is refused, or null. Never quotes the value. */
export function textProblem(value: string, kind: Kind): string | null {
  const max = TEXT_LIMITS[kind];
  if (value.length > max) return `must be at most ${max} characters`;
  const forbidden = kind === 'freeText' ? FREE_TEXT_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  const found = forbidden.exec(value);
  if (found) {
    const point = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (found U+${point}${kind === 'freeText' ? '; tab and line breaks are allowed' : ''})`;
  }
  if (UNPAIRED_SURROGATE.test(value)) return 'must be valid Unicode text (found an unpaired surrogate)';
  return null;
}

// What to check in a value of a type: a compiled walker per input type, null when the type
// holds no text (Int, enums, inputs of those), so most fields cost one map lookup.
type Check = (value: unknown, path: string) => void;
const checks = new Map<GraphQLInputType, Check | null>();

function checkFor(type: GraphQLInputType, name: string): Check | null {
  if (isNonNullType(type)) return checkFor(type.ofType, name);
  if (isListType(type)) {
    const item = checkFor(type.ofType, name);
    if (!item) return null;
    return (value, path) => {
      if (Array.isArray(value)) value.forEach((v, i) => item(v, `${path}.${i}`));
      else item(value, path);
    };
  }
  const named = getNamedType(type);
  if (named.name === 'String' || named.name === 'ID') {
    const kind: Kind = named.name === 'ID' ? 'id' : isFreeTextField(name) ? 'freeText' : 'singleLine';
    return (value, path) => {
      if (typeof value !== 'string') return;
      const problem = textProblem(value, kind);
      // The validation plugin's wording, so that both read alike.
      if (problem) throw new ValidationError(`Validation error: ${path}: ${problem}`, path);
    };
  }
  if (isInputObjectType(named)) return objectCheck(named);
  return null;
}

function objectCheck(type: GraphQLInputType & { getFields(): Record<string, { name: string; type: GraphQLInputType }> }): Check | null {
  if (checks.has(type)) return checks.get(type)!;
  // Recursive input types: a placeholder while this one is compiled.
  let compiled: Check | null = null;
  checks.set(type, (value, path) => compiled?.(value, path));
  const fields = Object.values(type.getFields())
    .map((field) => [field.name, checkFor(field.type, field.name)] as const)
    .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
  compiled =
    fields.length === 0
      ? null
      : (value, path) => {
          if (value === null || typeof value !== 'object') return;
          for (const [name, check] of fields) {
            const v = (value as Record<string, unknown>)[name];
            if (v !== undefined && v !== null) check(v, `${path}.${name}`);
          }
        };
  checks.set(type, compiled);
  return compiled;
}

const fieldChecks = new WeakMap<GraphQLField<unknown, unknown>, Array<readonly [string, Check]>>();

function argumentChecks(info: GraphQLResolveInfo): Array<readonly [string, Check]> {
  const field = info.parentType.getFields()[info.fieldName]!;
  let found = fieldChecks.get(field);
  if (!found) {
    found = field.args
      .map((arg: GraphQLArgument) => [arg.name, checkFor(arg.type, arg.name)] as const)
      .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
    fieldChecks.set(field, found);
  }
  return found;
}

/** Throws a ValidationError naming the first offending input of a field's arguments. */
export function checkTextArguments(args: Record<string, unknown>, info: GraphQLResolveInfo): void {
  for (const [name, check] of argumentChecks(info)) {
    const value = args[name];
    if (value !== undefined && value !== null) check(value, name);
  }
}

/**
 * Pothos refuses some input itself (a global id of another type, `before` with `first`) with a
 * PothosValidationError that carries no code: made a ValidationError, it becomes a typed result
 * or a BAD_USER_INPUT error like the rest.
 */
function asValidationError(error: unknown): never {
  // Exactly that class: the validation plugin's InputValidationError extends it and is typed already.
  if (error instanceof PothosValidationError && error.constructor === PothosValidationError) throw new ValidationError(error.message);
  throw error;
}

export class TextInputsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  // Argument mappers decode global ids: this runs before them, inside the errors plugin's
  // handling of input errors (listed after ErrorsPlugin in the builder's plugins).
  override wrapArgMappers(
    resolver: Parameters<BasePlugin<Types>['wrapArgMappers']>[0],
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): ReturnType<BasePlugin<Types>['wrapArgMappers']> {
    if (!resolver || Object.keys(fieldConfig.args).length === 0) return resolver;
    return (parent, args, context, info) => {
      checkTextArguments(args as Record<string, unknown>, info);
      try {
        const result = resolver(parent, args, context, info);
        return result instanceof Promise ? result.catch(asValidationError) : result;
      } catch (error) {
        return asValidationError(error);
      }
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      textInputs: TextInputsPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('textInputs', TextInputsPlugin);

export default 'textInputs' as const;
