/**
 * Errors crossing the backend boundary. The UI branches on `code` only,
 * never on message text (the message is for humans and may change).
 */
import type { ApiError, ErrorCode } from './bindings';

/** Every code Rust can send; a Record so a code added to the bindings fails to typecheck here. */
const KNOWN: Record<ErrorCode, true> = {
  invalid_name: true,
  invalid_timezone: true,
  invalid_date: true,
  invalid_date_range: true,
  invalid_budget: true,
  invalid_currency: true,
  invalid_input: true,
  invalid_time: true,
  invalid_amount: true,
  invalid_kind: true,
  invalid_mapping: true,
  invalid_csv: true,
  compliance_failed: true,
  not_found: true,
  conflict: true,
  invalid_media: true,
  render_failed: true,
  cancelled: true,
  needs_reconnect: true,
  rate_limited: true,
  platform_rejected: true,
  platform_unavailable: true,
  outcome_unknown: true,
  keychain_unavailable: true,
  auth_failed: true,
  media_relay_missing: true,
  insecure_url: true,
  unsupported: true,
  database_newer: true,
  database_corrupt: true,
  database_busy: true,
  storage: true,
  io: true,
  internal: true,
};

const CODES: ReadonlySet<string> = new Set(Object.keys(KNOWN));

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
