import type { z } from 'zod';

/** The shape every error takes when it crosses a boundary (IPC, HTTP, CLI --json). */
export interface ErrorData {
  code: string;
  message: string;
  field?: string;
}

export class ScaledeckError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScaledeckError';
    this.code = code;
    this.field = field;
  }

  toData(): ErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Bad input: names the field and what would be accepted. Nothing was changed. */
export class ValidationError extends ScaledeckError {
  constructor(field: string, message: string) {
    super('VALIDATION', `${field}: ${message}`, field);
    this.name = 'ValidationError';
  }

  static fromZod(error: z.ZodError, prefix?: string): ValidationError {
    const issue = error.issues[0];
    const segments = (issue?.path ?? []).map(String);
    // An unknown key is reported on its parent object; name the key itself.
    if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) segments.push(issue.keys[0]);
    const path = [prefix, ...segments].filter(Boolean).join('.');
    const field = path === '' ? (prefix ?? 'input') : path;
    return new ValidationError(field, issue?.message ?? 'invalid value');
  }
}

/** No container engine answers; the message says how to start one. */
export class EngineUnavailableError extends ScaledeckError {
  constructor(message: string, options?: ErrorOptions) {
    super('ENGINE_UNAVAILABLE', message, undefined, options);
    this.name = 'EngineUnavailableError';
  }
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof ScaledeckError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

/** Parses with a zod schema, turning the first issue into a ValidationError naming its field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error, prefix);
  return result.data;
}

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNKNOWN_CHANNEL: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_DEPLOYED: 409,
  AUTOSCALER_ACTIVE: 409,
  LOAD_RUNNING: 409,
  NO_LOAD: 409,
  NOTHING_TO_KILL: 409,
  BUSY: 409,
  NO_SCENARIO: 409,
  NOT_PLAYING: 409,
  NOT_PAUSED: 409,
  TARGET_UNAVAILABLE: 503,
  DISPOSED: 503,
  ENGINE_UNAVAILABLE: 503,
};

/** The HTTP status of an error in browser mode; below 500 means the caller's request was refused. */
export function httpStatusOf(error: ErrorData): number {
  return STATUS_BY_CODE[error.code] ?? 500;
}
