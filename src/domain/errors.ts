/**
 * Domain errors. The HTTP layer maps each to an RFC 9457 problem type; the CLI to exit code 1.
 * Messages are safe to show to the caller: they never carry tokens or other accounts' data.
 */

/** One invalid input field, named by its JSON pointer-ish path (`emails[0].email`). */
export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    readonly errors: FieldError[],
    message = errors.map((e) => `${e.field}: ${e.message}`).join("; "),
  ) {
    super(message);
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id?: string,
  ) {
    super(id ? `${entity} ${id} not found` : `${entity} not found`);
  }
}

export class ConflictError extends Error {
  override name = "ConflictError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends Error {
  override name = "ForbiddenError";
  constructor(
    message: string,
    /** The input field that asked for more than the caller may do, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends Error {
  override name = "PayloadTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`file is larger than the limit of ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends Error {
  override name = "UnsupportedMediaTypeError";
}
