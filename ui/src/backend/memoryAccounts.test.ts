import { describe, expect, it } from 'vitest';
import type { AccountView, ConnectRequest, ProgressEvent, PublishNowRequest } from './bindings';
import { createMemoryBackend } from './memory';
import { asset } from '../test/render';

const request = (platform: string, over: Partial<ConnectRequest> = {}): ConnectRequest => ({
  platform, client_id: null, client_secret: null, instance: null, handle: null, app_password: null, access_token: null, ...over,
});

const account = (over: Partial<AccountView> = {}): AccountView => ({
  id: 'acct-1', platform: 'x', platform_name: 'X', instance_url: null, handle: '@democreator', display_name: 'Demo Creator',
  status: 'connected', auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z', ...over,
});

describe('memory backend: platforms', () => {
  it('lists the ten platforms of assets/platforms in PlatformId order, all available', async () => {
    const platforms = await createMemoryBackend().accountPlatforms();
    expect(platforms.map((p) => p.id)).toEqual(['youtube', 'tiktok', 'instagram', 'facebook', 'x', 'linkedin', 'threads', 'pinterest', 'mastodon', 'bluesky']);
    expect(platforms.every((p) => p.available)).toBe(true);
    const by = Object.fromEntries(platforms.map((p) => [p.id, p]));
    // Fixed-port redirects name their port; any-port ones do not.
    expect(by.x).toMatchObject({ auth: 'oauth', client_secret: 'none', redirect_uri: 'http://127.0.0.1:8757/callback', any_port: false });
    expect(by.youtube).toMatchObject({ client_secret: 'optional', redirect_uri: 'http://127.0.0.1/callback', any_port: true });
    expect(by.tiktok?.scopes).toEqual(['user.info.basic', 'video.publish', 'video.upload', 'video.list']);
    expect(by.instagram).toMatchObject({ needs_media_relay: true, client_secret: 'required', limits: { caption_max: 2200, hashtags_max: 30 } });
    expect(by.threads?.needs_media_relay).toBe(true);
    expect(platforms.filter((p) => p.needs_media_relay).map((p) => p.id)).toEqual(['instagram', 'threads']);
    expect(by.bluesky).toMatchObject({ auth: 'app_password', client_secret: 'none', redirect_uri: null, scopes: [], limits: { caption_max: 300, caption_unit: 'graphemes' } });
    expect(by.mastodon).toMatchObject({ auth: 'mastodon', any_port: true });
    expect(by.youtube?.setup).toHaveLength(4);
    expect(by.pinterest?.limits.title_max).toBe(100);
  });
});

describe('memory backend: connecting', () => {
  it('rejects what accounts.rs rejects, before any sign-in', async () => {
    const b = createMemoryBackend();
    const connect = (r: ConnectRequest) => b.accountConnect('job', r, () => {});
    await expect(connect(request('mastodon'))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Mastodon needs your server') });
    await expect(connect(request('mastodon', { instance: 'http://mastodon.example' }))).rejects.toMatchObject({ code: 'insecure_url' });
    await expect(connect(request('bluesky', { instance: 'http://pds.example', handle: 'me.bsky.social', app_password: 'x' }))).rejects.toMatchObject({ code: 'insecure_url' });
    await expect(connect(request('bluesky', { handle: 'me.bsky.social' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(connect(request('bluesky', { app_password: 'abcd-efgh' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(connect(request('tiktok'))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('client ID') });
    await expect(connect(request('tiktok', { client_id: 'key' }))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('secret') });
    await expect(connect(request('x', { instance: 'https://x.example' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(connect(request('x', { access_token: 'tok' }))).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(connect(request('myspace'))).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await b.accountList()).toEqual([]);
  });

  it('connects Bluesky with a handle and an app password; a wrong password fails', async () => {
    const b = createMemoryBackend();
    const events: ProgressEvent[] = [];
    await expect(b.accountConnect('j1', request('bluesky', { handle: 'me.bsky.social', app_password: 'wrong' }), (p) => events.push(p))).rejects.toMatchObject({ code: 'auth_failed' });
    const a = await b.accountConnect('j2', request('bluesky', { handle: '@me.bsky.social', app_password: 'abcd-efgh-ijkl-mnop' }), (p) => events.push(p));
    expect(a).toMatchObject({ platform: 'bluesky', platform_name: 'Bluesky', handle: '@me.bsky.social', instance_url: 'https://bsky.social', status: 'connected', auth_mode: 'app_password' });
    expect(events).toEqual([]); // no browser
    expect(await b.accountList()).toEqual([a]);
    // A local PDS over http is fine.
    const local = await b.accountConnect('j3', request('bluesky', { handle: 'dev.test', app_password: 'p', instance: 'http://127.0.0.1:2583' }), () => {});
    expect(local.instance_url).toBe('http://127.0.0.1:2583');
  });

  it('connects Mastodon with a pasted token, or through the browser on its server', async () => {
    const b = createMemoryBackend();
    await expect(b.accountConnect('j', request('mastodon', { instance: 'mastodon.social', access_token: 'wrong' }), () => {})).rejects.toMatchObject({ code: 'auth_failed' });
    const token = await b.accountConnect('j', request('mastodon', { instance: 'mastodon.social', access_token: 'tok' }), () => {});
    expect(token).toMatchObject({ handle: '@democreator@mastodon.social', instance_url: 'https://mastodon.social', auth_mode: 'access_token' });
    const events: ProgressEvent[] = [];
    const oauth = await b.accountConnect('j', request('mastodon', { instance: 'https://fosstodon.org/' }), (p) => events.push(p));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ stage: 'browser', item: expect.stringMatching(/^https:\/\/fosstodon\.org\/oauth\/authorize\?/) });
    expect(oauth).toMatchObject({ handle: '@democreator@fosstodon.org', auth_mode: 'oauth' });
  });

  it('OAuth: sends the sign-in URL once, waits for the browser, can be cancelled or declined', async () => {
    const b = createMemoryBackend({ connectStepMs: 30 });
    const events: ProgressEvent[] = [];
    const waiting = b.accountConnect('job-1', request('x', { client_id: 'my-x-app' }), (p) => {
      events.push(p);
      void b.jobCancel('job-1');
    });
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    expect(events).toHaveLength(1);
    const url = new URL(events[0]!.item);
    expect(url.origin + url.pathname).toBe('https://x.com/i/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('my-x-app');
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8757/callback');
    expect(url.searchParams.get('scope')).toContain('tweet.write');
    expect(await b.jobCancel('job-1')).toBe(false); // no longer running
    expect(await b.accountList()).toEqual([]);

    await expect(b.accountConnect('job-2', request('x', { client_id: 'deny-me' }), () => {})).rejects.toMatchObject({
      code: 'auth_failed', message: expect.stringContaining('you declined access in the browser'),
    });
    const a = await b.accountConnect('job-3', request('x', { client_id: 'my-x-app' }), () => {});
    expect(a).toMatchObject({ platform: 'x', handle: '@democreator', status: 'connected', auth_mode: 'oauth' });
    expect(a.token_expires_at).not.toBeNull();
  });

  it('remembers the app per platform, and reconnecting keeps the account id', async () => {
    const b = createMemoryBackend({
      accounts: [account({ id: 'tt-1', platform: 'tiktok', platform_name: 'TikTok', handle: 'democreator', status: 'needs_reconnect' })],
    });
    // The first time needs an id and, for TikTok, a secret; later sign-ins reuse them.
    await expect(b.accountConnect('j', request('tiktok'), () => {})).rejects.toMatchObject({ code: 'invalid_input' });
    const first = await b.accountConnect('j', request('tiktok', { client_id: 'key', client_secret: 's3cret' }), () => {});
    expect(first).toMatchObject({ id: 'tt-1', status: 'connected' });
    const again = await b.accountConnect('j', request('tiktok'), () => {});
    expect(again.id).toBe('tt-1');
    expect(await b.accountList()).toHaveLength(1);
  });

  it('lists by platform, then handle', async () => {
    const b = createMemoryBackend({
      accounts: [
        account({ id: '1', platform: 'youtube', handle: '@b' }),
        account({ id: '2', platform: 'bluesky', handle: '@Zed' }),
        account({ id: '3', platform: 'youtube', handle: '@A' }),
      ],
    });
    expect((await b.accountList()).map((a) => a.id)).toEqual(['2', '3', '1']);
  });
});

describe('memory backend: disconnecting', () => {
  it('revokes where the platform can, otherwise says how to remove the app', async () => {
    const b = createMemoryBackend({
      accounts: [
        account({ id: 'x1' }),
        account({ id: 'fb1', platform: 'facebook', platform_name: 'Facebook Pages', handle: 'Studio' }),
        account({ id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', handle: '@me.bsky.social', auth_mode: 'app_password' }),
      ],
    });
    expect(await b.accountDisconnect('x1')).toEqual({ id: 'x1', revoked: true, note: null });
    expect(await b.accountDisconnect('fb1')).toEqual({
      id: 'fb1', revoked: false, note: 'Facebook Pages offers no way to revoke from the app; remove Viral Studio in its settings',
    });
    expect(await b.accountDisconnect('bs1')).toMatchObject({ revoked: true });
    expect(await b.accountList()).toEqual([]);
    await expect(b.accountDisconnect('x1')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('memory backend: publishing now', () => {
  const publish = (over: Partial<PublishNowRequest> = {}): PublishNowRequest => ({ account_id: 'x1', input: 'v1', caption: 'Hello', title: null, options: {}, ...over });
  const backend = () =>
    createMemoryBackend({
      connectStepMs: 2,
      assets: [asset({ id: 'v1' }), asset({ id: 'a1', kind: 'audio', width: null, height: null })],
      accounts: [
        account({ id: 'x1' }),
        account({ id: 'ig1', platform: 'instagram', platform_name: 'Instagram', handle: 'democreator' }),
        account({ id: 'yt1', platform: 'youtube', platform_name: 'YouTube', status: 'needs_reconnect' }),
      ],
    });

  it('uploads with progress and returns the post', async () => {
    const events: ProgressEvent[] = [];
    const post = await backend().publishNow('p', publish(), (p) => events.push(p));
    expect(events.map((e) => e.stage)).toEqual(Array(10).fill('uploading'));
    expect(events.map((e) => e.fraction)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(post).toMatchObject({ account_id: 'x1', platform: 'x', url: expect.stringMatching(/^https:\/\/x\.com\/democreator\/status\//) });
  });

  it('checks the account, the input, the caption and the relay; cancels', async () => {
    const b = backend();
    const go = (over: Partial<PublishNowRequest>) => b.publishNow('p', publish(over), () => {});
    await expect(go({ account_id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(go({ account_id: 'yt1' })).rejects.toMatchObject({ code: 'needs_reconnect' });
    await expect(go({ input: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(go({ input: 'a1' })).rejects.toMatchObject({ code: 'invalid_media' });
    await expect(go({ caption: 'x'.repeat(281) })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(go({ account_id: 'ig1' })).rejects.toMatchObject({ code: 'media_relay_missing' });
    const running = b.publishNow('p2', publish(), (p) => {
      if ((p.fraction ?? 0) >= 0.3) void b.jobCancel('p2');
    });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
  });
});
