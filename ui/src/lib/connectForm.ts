/**
 * The connect dialog's pure logic: which form a platform gets, its values, the checks it can
 * make before asking the backend (the real rules live in Rust and still apply), the request it
 * sends, and where a backend error shows (by code only).
 *
 * Secrets (client secret, access token, app password) live only in the form's state until the
 * request is built; `withoutSecrets` clears them right after, so they are never shown again.
 */
import type { AccountView, ApiError, ConnectRequest, PlatformView } from '../backend';

export type ConnectKind = 'oauth' | 'mastodon' | 'app_password';

export function connectKind(p: PlatformView): ConnectKind {
  return p.auth === 'mastodon' || p.auth === 'app_password' ? p.auth : 'oauth';
}

export const BLUESKY_DEFAULT_SERVER = 'https://bsky.social';

export type ConnectFormValues = {
  clientId: string;
  clientSecret: string;
  /** Mastodon's server, or Bluesky's PDS (empty: https://bsky.social). */
  instance: string;
  /** Mastodon: paste a token from Preferences → Development instead of signing in. */
  useToken: boolean;
  accessToken: string;
  handle: string;
  appPassword: string;
};

export type ConnectField = 'clientId' | 'clientSecret' | 'instance' | 'accessToken' | 'handle' | 'appPassword';
export type ConnectFormErrors = Partial<Record<ConnectField, string>>;

/** The order fields appear in, so the first one with an error gets focus. */
export const CONNECT_FIELD_ORDER: readonly ConnectField[] = ['instance', 'accessToken', 'handle', 'appPassword', 'clientId', 'clientSecret'];

/** A fresh form; reconnecting an account starts from its server and handle. */
export function initialConnectValues(p: PlatformView, account?: AccountView): ConnectFormValues {
  const values: ConnectFormValues = { clientId: '', clientSecret: '', instance: '', useToken: false, accessToken: '', handle: '', appPassword: '' };
  if (!account) return values;
  const kind = connectKind(p);
  if (kind === 'mastodon') values.instance = account.instance_url ?? '';
  if (kind === 'app_password') {
    values.handle = account.handle.replace(/^@/, '');
    values.instance = account.instance_url && account.instance_url !== BLUESKY_DEFAULT_SERVER ? account.instance_url : '';
  }
  return values;
}

export function withoutSecrets(v: ConnectFormValues): ConnectFormValues {
  return { ...v, clientSecret: '', accessToken: '', appPassword: '' };
}

/**
 * The client id is needed the first time a platform is connected; afterwards the backend reuses
 * the app it remembered, so reconnecting (an account exists) may leave it empty.
 */
export function clientIdRequired(p: PlatformView, hasAccounts: boolean): boolean {
  return connectKind(p) === 'oauth' && !hasAccounts;
}

export function validateConnectForm(p: PlatformView, v: ConnectFormValues, hasAccounts: boolean): ConnectFormErrors {
  const errors: ConnectFormErrors = {};
  const kind = connectKind(p);
  if (kind === 'mastodon') {
    if (v.instance.trim() === '') errors.instance = 'Enter your server, e.g. https://mastodon.social.';
    if (v.useToken && v.accessToken.trim() === '') errors.accessToken = 'Paste the access token, or switch the token off to sign in.';
  } else if (kind === 'app_password') {
    if (v.handle.trim().replace(/^@/, '') === '') errors.handle = 'Enter your handle, e.g. you.bsky.social.';
    if (v.appPassword.trim() === '') errors.appPassword = 'Enter an app password (not your main password).';
  } else {
    const id = v.clientId.trim();
    if (id === '' && clientIdRequired(p, hasAccounts)) errors.clientId = `Paste your ${p.name} app’s client ID.`;
    // With a new client id, only the secret typed now is used.
    if (id !== '' && p.client_secret === 'required' && v.clientSecret.trim() === '') {
      errors.clientSecret = `${p.name} needs the app’s client secret too.`;
    }
  }
  return errors;
}

const text = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export function toConnectRequest(p: PlatformView, v: ConnectFormValues): ConnectRequest {
  const kind = connectKind(p);
  const none: ConnectRequest = { platform: p.id, client_id: null, client_secret: null, instance: null, handle: null, app_password: null, access_token: null };
  if (kind === 'mastodon') {
    return { ...none, instance: text(v.instance), access_token: v.useToken ? text(v.accessToken) : null };
  }
  if (kind === 'app_password') {
    // App passwords are typed with dashes; spaces around them are never part of them.
    return { ...none, instance: text(v.instance), handle: text(v.handle.trim().replace(/^@/, '')), app_password: text(v.appPassword) };
  }
  return { ...none, client_id: text(v.clientId), client_secret: p.client_secret === 'none' ? null : text(v.clientSecret) };
}

/** Which field a backend error belongs to, or null for the dialog's banner. Branches on the code. */
export function errorField(p: PlatformView, v: ConnectFormValues, code: ApiError['code']): ConnectField | null {
  const kind = connectKind(p);
  if (kind === 'mastodon') {
    if (code === 'invalid_input' || code === 'insecure_url') return 'instance';
    if (code === 'auth_failed' && v.useToken) return 'accessToken';
    return null;
  }
  if (kind === 'app_password') {
    if (code === 'insecure_url') return 'instance';
    // A missing handle or password is caught before sending; what is left is the server.
    if (code === 'invalid_input') return v.instance.trim() !== '' ? 'instance' : null;
    if (code === 'auth_failed') return 'appPassword';
    return null;
  }
  return null;
}

const TITLES: Partial<Record<ApiError['code'], string>> = {
  auth_failed: 'The sign-in did not go through.',
  invalid_input: 'These details can’t be used.',
  insecure_url: 'That server address is not secure (https).',
  keychain_unavailable: 'The system keychain is not available, so the sign-in can’t be stored safely.',
  platform_rejected: 'The platform refused the connection.',
  platform_unavailable: 'The platform is not answering right now. Try again in a moment.',
  rate_limited: 'The platform asks to slow down. Try again in a few minutes.',
  unsupported: 'Connecting this platform is not available in this build.',
  needs_reconnect: 'The platform asks to sign in again.',
  storage: 'The account could not be saved.',
  database_busy: 'The library database was busy. Try again.',
};

/** A human headline chosen by the error's stable code (the backend message adds the detail). */
export function connectFailureTitle(code: ApiError['code']): string {
  return TITLES[code] ?? 'The account could not be connected.';
}

/** "connected" → "Connected", "expiring" → "Expires 3 Jun 2026", "needs_reconnect" → "Needs reconnect". */
export function statusLabel(a: Pick<AccountView, 'status' | 'token_expires_at'>): string {
  if (a.status === 'connected') return 'Connected';
  if (a.status === 'needs_reconnect') return 'Needs reconnect';
  if (a.status === 'expiring') {
    const at = a.token_expires_at ? new Date(a.token_expires_at) : null;
    return at && !Number.isNaN(at.getTime()) ? `Expires ${expiryFormat.format(at)}` : 'Expiring';
  }
  return a.status;
}

const expiryFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** How a platform signs in, in one line for its card. */
export function signInSummary(p: PlatformView): string {
  switch (connectKind(p)) {
    case 'mastodon':
      return 'Signs in on your server through your browser, or with an access token.';
    case 'app_password':
      return 'Signs in with your handle and an app password.';
    default:
      return `Signs in through your browser with your own ${p.name} developer app.`;
  }
}

/** Rust caption units, for people. */
const UNITS: Record<string, string> = {
  chars: 'characters',
  graphemes: 'characters',
  utf16: 'characters',
  utf8_bytes: 'bytes',
  x_weighted: 'characters',
};

/** 140 → "2 min 20 s", 600 → "10 min", 43200 → "12 h". */
function duration(seconds: number): string {
  if (seconds >= 3600) return `${Number((seconds / 3600).toFixed(1))} h`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  if (m === 0) return `${s} s`;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** "Captions up to 2,200 characters · videos up to 10 min". */
export function limitsSummary(p: PlatformView): string {
  const l = p.limits;
  const parts = [`Captions up to ${l.caption_max.toLocaleString('en-US')} ${UNITS[l.caption_unit] ?? l.caption_unit}`];
  if (l.videos_max > 0 && l.video_duration_max_s !== null) parts.push(`videos up to ${duration(l.video_duration_max_s)}`);
  return parts.join(' · ');
}

let jobCounter = 0;

/** Job ids only need to be unique within this window. */
export function newConnectJobId(): string {
  jobCounter += 1;
  return `connect-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
}
