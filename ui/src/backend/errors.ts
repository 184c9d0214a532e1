/**
 * Errors crossing the backend boundary. The UI branches on `code` only,
 * never on message text (the message is for humans and may change).
 */
import type { ApiError, ErrorCode } from './bindings';

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_name',
  'invalid_timezone',
  'invalid_date',
  'invalid_date_range',
  'invalid_budget',
  'invalid_currency',
  'invalid_input',
  'not_found',
  'conflict',
  'invalid_media',
  'render_failed',
  'cancelled',
  'database_newer',
  'database_corrupt',
  'database_busy',
  'storage',
  'io',
  'internal',
]);

export class BackendError extends Error implements ApiError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/**
 * Normalizes anything a backend call can reject with: our own errors, the
 * `{code, message}` object Tauri delivers, a bare string (Tauri reports an
 * unknown command that way) or a JS exception.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof BackendError) return { code: err.code, message: err.message };
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const { code, message } = err as { code: unknown; message?: unknown };
    if (isErrorCode(code)) {
      return { code, message: typeof message === 'string' ? message : String(code) };
    }
  }
  if (typeof err === 'string') return { code: 'internal', message: err };
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: 'Something went wrong.' };
}

export function toBackendError(err: unknown): BackendError {
  if (err instanceof BackendError) return err;
  const { code, message } = toApiError(err);
  return new BackendError(code, message);
}
