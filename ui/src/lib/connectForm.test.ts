import { describe, expect, it } from 'vitest';
import type { AccountView, PlatformView } from '../backend';
import { MEMORY_PLATFORMS } from '../backend/memoryAccounts';
import {
  connectFailureTitle,
  connectKind,
  errorField,
  initialConnectValues,
  limitsSummary,
  signInSummary,
  statusLabel,
  toConnectRequest,
  validateConnectForm,
  withoutSecrets,
  type ConnectFormValues,
} from './connectForm';

const platform = (id: string): PlatformView => MEMORY_PLATFORMS.find((p) => p.id === id)!;
const values = (over: Partial<ConnectFormValues> = {}): ConnectFormValues => ({
  clientId: '', clientSecret: '', instance: '', useToken: false, accessToken: '', handle: '', appPassword: '', ...over,
});
const account = (over: Partial<AccountView>): AccountView => ({
  id: 'a', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@me.bsky.social', display_name: null,
  status: 'connected', auth_mode: 'app_password', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z', ...over,
});

describe('connect form', () => {
  it('knows each platform’s kind of sign-in', () => {
    expect(connectKind(platform('youtube'))).toBe('oauth');
    expect(connectKind(platform('mastodon'))).toBe('mastodon');
    expect(connectKind(platform('bluesky'))).toBe('app_password');
    expect(signInSummary(platform('x'))).toBe('Signs in through your browser with your own X developer app.');
    expect(limitsSummary(platform('tiktok'))).toBe('Captions up to 2,200 characters · videos up to 10 min');
    expect(limitsSummary(platform('youtube'))).toBe('Captions up to 5,000 bytes · videos up to 12 h');
    expect(limitsSummary(platform('mastodon'))).toBe('Captions up to 500 characters');
    expect(limitsSummary(platform('x'))).toBe('Captions up to 280 characters · videos up to 2 min 20 s');
    expect(limitsSummary(platform('facebook'))).toBe('Captions up to 63,206 characters · videos up to 1 min 30 s');
  });

  it('checks what it can before sending', () => {
    expect(validateConnectForm(platform('mastodon'), values(), false)).toEqual({ instance: expect.any(String) });
    expect(validateConnectForm(platform('mastodon'), values({ instance: 'mastodon.social', useToken: true }), false)).toEqual({ accessToken: expect.any(String) });
    expect(validateConnectForm(platform('mastodon'), values({ instance: 'mastodon.social' }), false)).toEqual({});
    expect(validateConnectForm(platform('bluesky'), values({ handle: '@' }), false)).toEqual({ handle: expect.any(String), appPassword: expect.any(String) });
    // The client id is needed the first time only; a required secret goes with a new client id.
    expect(validateConnectForm(platform('tiktok'), values(), false)).toEqual({ clientId: 'Paste your TikTok app’s client ID.' });
    expect(validateConnectForm(platform('tiktok'), values(), true)).toEqual({});
    expect(validateConnectForm(platform('tiktok'), values({ clientId: 'key' }), true)).toEqual({ clientSecret: 'TikTok needs the app’s client secret too.' });
    expect(validateConnectForm(platform('youtube'), values({ clientId: 'id' }), false)).toEqual({}); // optional secret
    expect(validateConnectForm(platform('x'), values({ clientId: 'id' }), false)).toEqual({}); // no secret
  });

  it('builds the request with only what the platform uses', () => {
    const all = values({ clientId: ' id ', clientSecret: 'sec', instance: 'https://pds.example', useToken: true, accessToken: 'tok', handle: '@me.example', appPassword: 'pw' });
    expect(toConnectRequest(platform('x'), all)).toEqual({
      platform: 'x', client_id: 'id', client_secret: null, instance: null, handle: null, app_password: null, access_token: null,
    });
    expect(toConnectRequest(platform('linkedin'), all)).toMatchObject({ client_id: 'id', client_secret: 'sec' });
    expect(toConnectRequest(platform('mastodon'), all)).toEqual({
      platform: 'mastodon', client_id: null, client_secret: null, instance: 'https://pds.example', handle: null, app_password: null, access_token: 'tok',
    });
    expect(toConnectRequest(platform('mastodon'), { ...all, useToken: false }).access_token).toBeNull();
    expect(toConnectRequest(platform('bluesky'), all)).toEqual({
      platform: 'bluesky', client_id: null, client_secret: null, instance: 'https://pds.example', handle: 'me.example', app_password: 'pw', access_token: null,
    });
    expect(toConnectRequest(platform('bluesky'), values({ handle: 'me', appPassword: 'pw' })).instance).toBeNull();
  });

  it('clears the secrets and keeps the rest', () => {
    const v = values({ clientId: 'id', clientSecret: 's', instance: 'i', useToken: true, accessToken: 't', handle: 'h', appPassword: 'p' });
    expect(withoutSecrets(v)).toEqual({ ...v, clientSecret: '', accessToken: '', appPassword: '' });
  });

  it('reconnecting starts from the account’s server and handle', () => {
    expect(initialConnectValues(platform('bluesky'), account({}))).toMatchObject({ handle: 'me.bsky.social', instance: '' });
    expect(initialConnectValues(platform('bluesky'), account({ instance_url: 'https://pds.example' })).instance).toBe('https://pds.example');
    expect(initialConnectValues(platform('mastodon'), account({ platform: 'mastodon', instance_url: 'https://fosstodon.org' })).instance).toBe('https://fosstodon.org');
    expect(initialConnectValues(platform('x'), account({ platform: 'x' }))).toEqual(values());
  });

  it('puts backend errors at a field when the code says which', () => {
    expect(errorField(platform('mastodon'), values(), 'insecure_url')).toBe('instance');
    expect(errorField(platform('mastodon'), values(), 'invalid_input')).toBe('instance');
    expect(errorField(platform('mastodon'), values({ useToken: true }), 'auth_failed')).toBe('accessToken');
    expect(errorField(platform('mastodon'), values(), 'auth_failed')).toBeNull();
    expect(errorField(platform('bluesky'), values(), 'auth_failed')).toBe('appPassword');
    expect(errorField(platform('bluesky'), values({ instance: 'http://x' }), 'insecure_url')).toBe('instance');
    expect(errorField(platform('bluesky'), values(), 'invalid_input')).toBeNull();
    expect(errorField(platform('x'), values(), 'auth_failed')).toBeNull();
    expect(errorField(platform('x'), values(), 'keychain_unavailable')).toBeNull();
    expect(connectFailureTitle('keychain_unavailable')).toMatch(/keychain/);
    expect(connectFailureTitle('internal')).toBe('The account could not be connected.');
  });

  it('labels the status, with the date when the sign-in is running out', () => {
    expect(statusLabel({ status: 'connected', token_expires_at: null })).toBe('Connected');
    expect(statusLabel({ status: 'needs_reconnect', token_expires_at: null })).toBe('Needs reconnect');
    expect(statusLabel({ status: 'expiring', token_expires_at: '2026-06-03T12:00:00Z' })).toMatch(/^Expires .*2026/);
    expect(statusLabel({ status: 'expiring', token_expires_at: null })).toBe('Expiring');
  });
});
