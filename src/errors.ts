// Expected failures. Each is exposed as a typed GraphQL result through the Pothos errors
// plugin (src/schema/errors.ts); anything else thrown is unexpected and gets masked.

export class AppError extends Error {
  readonly code: string = 'ERROR';
}

/** Input that is well-formed GraphQL but breaks a rule: names the offending field. */
export class ValidationError extends AppError {
  override readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** A node that does not exist or that the viewer may not see: the same answer for both. */
export class NotFoundError extends AppError {
  override readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: string,
    /** Set when the record exists but the viewer may not touch it: audited, never shown. */
    readonly deniedClientId?: string | null,
  ) {
    super(`${entity} ${id} was not found`);
    this.name = 'NotFoundError';
  }

  get denied(): boolean {
    return this.deniedClientId !== undefined;
  }
}

export class ForbiddenError extends AppError {
  override readonly code = 'FORBIDDEN';
  constructor(message = 'You are not allowed to do this') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** A status change the state machine does not allow from the current status. */
export class InvalidTransitionError extends AppError {
  override readonly code = 'INVALID_TRANSITION';
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
    readonly allowed: readonly string[],
  ) {
    super(
      `${entity} cannot move from ${from} to ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (final status)'}`,
    );
    this.name = 'InvalidTransitionError';
  }
}

/** Optimistic concurrency: the record changed since the caller read it. */
export class StaleVersionError extends AppError {
  override readonly code = 'STALE_VERSION';
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `${entity} ${id} is at version ${currentVersion}, not ${expectedVersion}: reload it and try again`,
    );
    this.name = 'StaleVersionError';
  }
}

/** A rule of the workflow refused the change (e.g. closing a case with an open crisis). */
export class RuleViolationError extends AppError {
  override readonly code = 'RULE_VIOLATION';
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
    this.name = 'RuleViolationError';
  }
}

/** Sharing this category of information needs an active consent the client has not given. */
export class ConsentRequiredError extends AppError {
  override readonly code = 'CONSENT_REQUIRED';
  constructor(
    readonly category: string,
    readonly grantee: string,
  ) {
    super(`Sharing ${category} information with ${grantee} needs the client's active consent`);
    this.name = 'ConsentRequiredError';
  }
}
