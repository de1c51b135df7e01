// One error family: each carries an HTTP status and a user-safe i18n key.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageKey);
    this.name = new.target.name;
  }
}

export class NotFound extends AppError {
  constructor(messageKey = 'errors.notFound') {
    super(404, messageKey);
  }
}

export class Forbidden extends AppError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, messageKey);
  }
}

export class Conflict extends AppError {
  constructor(messageKey = 'errors.conflict', params: Record<string, unknown> = {}) {
    super(409, messageKey, params);
  }
}

export class Unavailable extends AppError {
  constructor(messageKey = 'errors.unavailable') {
    super(503, messageKey);
  }
}

/** Field-level problems: a form re-renders with these beside the fields. */
export type FieldErrors = Record<string, string>;

export class ValidationFailed extends AppError {
  constructor(
    readonly fieldErrors: FieldErrors,
    messageKey = 'errors.validation',
    status = 422,
  ) {
    super(status, messageKey);
  }
}
