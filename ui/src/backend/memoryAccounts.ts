/**
 * The accounts half of the in-memory backend: the ten platforms as `assets/platforms/*.toml`
 * describe them (setup steps, redirect URI, scopes, limits), fake sign-ins and publishing. The
 * rules follow `crates/studio-api/src/accounts.rs`:
 * - Mastodon needs a server (`invalid_input`); a server that is not https (http only for
 *   127.0.0.1 / localhost) fails with `insecure_url`; a server for a platform without servers is
 *   `invalid_input`. Bluesky defaults to https://bsky.social;
 * - a pasted access token works for Mastodon only; the token "wrong" fails with `auth_failed`;
 * - Bluesky needs a handle and an app password (`invalid_input`); the app password "wrong" fails
 *   with `auth_failed`;
 * - OAuth platforms need a client id the first time (later ones reuse the remembered app, as the
 *   keychain does) and a secret when theirs is "required" (`invalid_input`). Mastodon registers
 *   its own app. The sign-in sends the browser URL once (progress stage "browser"), then "waits
 *   for the browser" `stepMs`; a client id containing "deny" then fails with `auth_failed` (the
 *   creator declined), and `jobCancel(jobId)` stops the wait with `cancelled`;
 * - a success adds the account, or, for the same platform, server and handle, reconnects it:
 *   same id, status "connected";
 * - disconnecting revokes where the platform has a revoke endpoint (and Bluesky); elsewhere the
 *   answer's note says to remove the app in the platform's settings;
 * - publishing checks the account (`not_found`, `needs_reconnect`), the input (an asset, a render
 *   or a media path; audio is `invalid_media`), the caption length (`invalid_input`) and the media
 *   relay (`media_relay_missing`: the memory backend has none), then uploads in 10 ticks (stage
 *   "uploading", fractions 0.1 … 1) paced by `stepMs`; `jobCancel` stops it with `cancelled`.
 */
import type {
  AccountView,
  AssetKind,
  ConnectRequest,
  Disconnected,
  LimitsView,
  PlatformId,
  PlatformView,
  ProgressEvent,
  PublishedView,
  PublishNowRequest,
} from './bindings';
import { BackendError } from './errors';

type Limits = Partial<LimitsView> & Pick<LimitsView, 'caption_max' | 'caption_unit' | 'videos_max' | 'images_max'>;

const limits = (l: Limits): LimitsView => ({
  title_max: null,
  hashtags_max: null,
  video_duration_min_s: null,
  video_duration_max_s: null,
  video_size_max_mb: null,
  ...l,
});

type OauthData = { secret: 'required' | 'optional' | 'none'; fixedPort: number | null; scopes: string[]; revokes: boolean };

type PlatformData = Omit<PlatformView, 'client_secret' | 'redirect_uri' | 'any_port' | 'scopes' | 'available' | 'replies'> & {
  oauth: OauthData | null;
  /** The sign-in page the fake "browser" opens. */
  authorize: string;
  /** How the platform names the account we connect (as its connector reads it). */
  who: { handle: string; display: string | null };
  /** A post's public address. */
  postUrl: (id: string, handle: string) => string | null;
};

/** assets/platforms/*.toml, in PlatformId::ALL order. */
const DATA: readonly PlatformData[] = [
  {
    id: 'youtube', name: 'YouTube', auth: 'oauth', register_url: 'https://console.cloud.google.com/apis/credentials',
    setup: [
      'In Google Cloud Console create a project and enable the "YouTube Data API v3".',
      'OAuth consent screen: External, add yourself as a test user, add the scopes below.',
      'Credentials → Create credentials → OAuth client ID → application type "Desktop app".',
      'Paste the client ID here (and the client secret Google shows; desktop secrets are not confidential).',
    ],
    oauth: {
      secret: 'optional', fixedPort: null, revokes: true,
      scopes: ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'],
    },
    needs_media_relay: false,
    limits: limits({ caption_max: 5000, caption_unit: 'utf8_bytes', title_max: 100, videos_max: 1, images_max: 0, video_duration_min_s: 1, video_duration_max_s: 43200, video_size_max_mb: 262144 }),
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    who: { handle: '@democreator', display: 'Demo Creator' },
    postUrl: (id) => `https://www.youtube.com/watch?v=${id}`,
  },
  {
    id: 'tiktok', name: 'TikTok', auth: 'oauth', register_url: 'https://developers.tiktok.com/apps/',
    setup: [
      'In TikTok for Developers create an app, add the "Login Kit" and "Content Posting API" products.',
      'Under Login Kit → Desktop, add the redirect URI shown here.',
      'Request the scopes below; until the app is audited TikTok only allows private posts.',
      'Paste the client key and client secret here.',
    ],
    oauth: { secret: 'required', fixedPort: null, revokes: true, scopes: ['user.info.basic', 'video.publish', 'video.upload', 'video.list'] },
    needs_media_relay: false,
    limits: limits({ caption_max: 2200, caption_unit: 'utf16', videos_max: 1, images_max: 35, video_duration_min_s: 3, video_duration_max_s: 600, video_size_max_mb: 4096 }),
    authorize: 'https://www.tiktok.com/v2/auth/authorize/',
    who: { handle: 'democreator', display: 'Demo Creator' },
    postUrl: (id, handle) => `https://www.tiktok.com/@${handle.replace(/^@/, '')}/video/${id}`,
  },
  {
    id: 'instagram', name: 'Instagram', auth: 'oauth', register_url: 'https://developers.facebook.com/apps/',
    setup: [
      'In Meta for Developers create a Business app and add the "Instagram" product (API setup with Instagram login).',
      'Add the redirect URI shown here exactly (Meta does not accept other ports).',
      'Your Instagram account must be a Professional (Business or Creator) account.',
      'Paste the Instagram app ID and app secret here.',
    ],
    oauth: {
      secret: 'required', fixedPort: 8757, revokes: false,
      scopes: ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_insights'],
    },
    needs_media_relay: true,
    limits: limits({ caption_max: 2200, caption_unit: 'chars', hashtags_max: 30, videos_max: 1, images_max: 10, video_duration_min_s: 3, video_duration_max_s: 900, video_size_max_mb: 300 }),
    authorize: 'https://www.instagram.com/oauth/authorize',
    who: { handle: 'democreator', display: 'Demo Creator' },
    postUrl: () => null,
  },
  {
    id: 'facebook', name: 'Facebook Pages', auth: 'oauth', register_url: 'https://developers.facebook.com/apps/',
    setup: [
      'In Meta for Developers create a Business app with "Facebook Login for Business".',
      'Add the redirect URI shown here exactly to Valid OAuth Redirect URIs.',
      'Request the permissions below; you must be an admin of the Page you publish to.',
      'Paste the app ID and app secret here.',
    ],
    oauth: {
      secret: 'required', fixedPort: 8757, revokes: false,
      scopes: ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'read_insights'],
    },
    needs_media_relay: false,
    limits: limits({ caption_max: 63206, caption_unit: 'chars', videos_max: 1, images_max: 10, video_duration_min_s: 3, video_duration_max_s: 90, video_size_max_mb: 1024 }),
    authorize: 'https://www.facebook.com/v21.0/dialog/oauth',
    who: { handle: 'Demo Creator Studio', display: 'Demo Creator Studio' },
    postUrl: (id) => `https://www.facebook.com/reel/${id}`,
  },
  {
    id: 'x', name: 'X', auth: 'oauth', register_url: 'https://developer.x.com/en/portal/projects-and-apps',
    setup: [
      'In the X developer portal create a project and an app; under User authentication set type "Native App" (a public client).',
      'Permissions: Read and write. Add the callback URI shown here exactly (X does not accept other ports).',
      'Paste the OAuth 2.0 client ID here; no secret is needed.',
    ],
    oauth: { secret: 'none', fixedPort: 8757, revokes: true, scopes: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'] },
    needs_media_relay: false,
    limits: limits({ caption_max: 280, caption_unit: 'x_weighted', videos_max: 1, images_max: 4, video_duration_min_s: 0.5, video_duration_max_s: 140, video_size_max_mb: 512 }),
    authorize: 'https://x.com/i/oauth2/authorize',
    who: { handle: '@democreator', display: 'Demo Creator' },
    postUrl: (id, handle) => `https://x.com/${handle.replace(/^@/, '')}/status/${id}`,
  },
  {
    id: 'linkedin', name: 'LinkedIn', auth: 'oauth', register_url: 'https://www.linkedin.com/developers/apps',
    setup: [
      'In LinkedIn Developers create an app and add the products "Sign In with LinkedIn using OpenID Connect" and "Share on LinkedIn".',
      'Auth → Authorized redirect URLs: add the redirect URI shown here.',
      'Paste the client ID and primary client secret here.',
    ],
    oauth: { secret: 'required', fixedPort: null, revokes: true, scopes: ['openid', 'profile', 'w_member_social'] },
    needs_media_relay: false,
    limits: limits({ caption_max: 3000, caption_unit: 'chars', videos_max: 1, images_max: 20, video_duration_min_s: 3, video_duration_max_s: 1800, video_size_max_mb: 500 }),
    authorize: 'https://www.linkedin.com/oauth/v2/authorization',
    who: { handle: 'Demo Creator', display: 'Demo Creator' },
    postUrl: (id) => `https://www.linkedin.com/feed/update/${id}/`,
  },
  {
    id: 'threads', name: 'Threads', auth: 'oauth', register_url: 'https://developers.facebook.com/apps/',
    setup: [
      'In Meta for Developers create an app with the "Access the Threads API" use case.',
      'Add the redirect URI shown here exactly to the Threads redirect callback URLs.',
      'Paste the Threads app ID and app secret here.',
    ],
    oauth: { secret: 'required', fixedPort: 8757, revokes: false, scopes: ['threads_basic', 'threads_content_publish', 'threads_manage_insights'] },
    needs_media_relay: true,
    limits: limits({ caption_max: 500, caption_unit: 'chars', videos_max: 1, images_max: 20, video_duration_max_s: 300, video_size_max_mb: 1024 }),
    authorize: 'https://threads.net/oauth/authorize',
    who: { handle: '@democreator', display: 'Demo Creator' },
    postUrl: (id, handle) => `https://www.threads.net/${handle}/post/${id}`,
  },
  {
    id: 'pinterest', name: 'Pinterest', auth: 'oauth', register_url: 'https://developers.pinterest.com/apps/',
    setup: [
      'In Pinterest Developers create an app (trial access cannot create production pins; request Standard access).',
      'Add the redirect URI shown here exactly.',
      'Paste the app ID and app secret key here.',
    ],
    oauth: { secret: 'required', fixedPort: 8757, revokes: false, scopes: ['boards:read', 'pins:read', 'pins:write', 'user_accounts:read'] },
    needs_media_relay: false,
    limits: limits({ caption_max: 500, caption_unit: 'chars', title_max: 100, videos_max: 1, images_max: 1, video_duration_min_s: 4, video_duration_max_s: 900, video_size_max_mb: 2048 }),
    authorize: 'https://www.pinterest.com/oauth/',
    who: { handle: 'democreator', display: 'Demo Creator' },
    postUrl: (id) => `https://www.pinterest.com/pin/${id}/`,
  },
  {
    id: 'mastodon', name: 'Mastodon', auth: 'mastodon', register_url: 'https://docs.joinmastodon.org/client/token/',
    setup: [
      'Enter your server (for example https://mastodon.social). The app registers itself there and opens the sign-in page.',
      'Or, if you created an application under Preferences → Development, paste its access token instead.',
    ],
    oauth: { secret: 'optional', fixedPort: null, revokes: true, scopes: ['read', 'write:media', 'write:statuses', 'profile'] },
    needs_media_relay: false,
    limits: limits({ caption_max: 500, caption_unit: 'chars', videos_max: 1, images_max: 4, video_size_max_mb: 99 }),
    authorize: '/oauth/authorize',
    who: { handle: 'democreator', display: 'Demo Creator' },
    postUrl: (id, handle) => `https://${handle.split('@').at(-1)}/@${handle.split('@')[1]}/${id}`,
  },
  {
    id: 'bluesky', name: 'Bluesky', auth: 'app_password', register_url: 'https://bsky.app/settings/app-passwords',
    setup: [
      'In Bluesky go to Settings → Privacy and security → App passwords and create one for Viral Studio.',
      'Enter your handle and that app password here (never your main password).',
      'For a self-hosted PDS, enter its URL as the server.',
    ],
    oauth: null,
    needs_media_relay: false,
    limits: limits({ caption_max: 300, caption_unit: 'graphemes', videos_max: 1, images_max: 4, video_duration_max_s: 180, video_size_max_mb: 95.367431640625 }),
    authorize: '',
    who: { handle: '', display: null },
    postUrl: (id, handle) => `https://bsky.app/profile/${handle.replace(/^@/, '')}/post/${id}`,
  },
];

/** Platforms whose connector posts thread parts and first comments as replies. */
const REPLY_PLATFORMS: ReadonlySet<string> = new Set(['mastodon', 'bluesky', 'x']);

/** What `accountPlatforms()` answers, as accounts::platforms() builds it from the rules. */
export const MEMORY_PLATFORMS: readonly PlatformView[] = DATA.map((d) => ({
  id: d.id,
  name: d.name,
  auth: d.auth,
  register_url: d.register_url,
  setup: [...d.setup],
  client_secret: d.oauth?.secret ?? 'none',
  redirect_uri: d.oauth ? (d.oauth.fixedPort !== null ? `http://127.0.0.1:${d.oauth.fixedPort}/callback` : 'http://127.0.0.1/callback') : null,
  any_port: d.oauth !== null && d.oauth.fixedPort === null,
  scopes: d.oauth ? [...d.oauth.scopes] : [],
  needs_media_relay: d.needs_media_relay,
  limits: { ...d.limits },
  available: true,
  replies: REPLY_PLATFORMS.has(d.id),
}));

/** What publishNow's input resolves to: an asset, a render's output or a path, with its kind. */
export type ResolvedInput = { kind: AssetKind | null };

export interface AccountStoreOptions {
  accounts?: AccountView[];
  /** How long the fake browser sign-in / password check takes, and each upload tick. */
  stepMs?: number;
  resolveInput: (input: string) => ResolvedInput | undefined;
}

function fail(code: BackendError['code'], message: string): never {
  throw new BackendError(code, message);
}

const clean = (v: string | null): string | null => {
  const t = v?.trim() ?? '';
  return t === '' ? null : t;
};

/** instance() in accounts.rs: the server a Mastodon or Bluesky account lives on. */
function instanceFor(p: PlatformData, given: string | null): string | null {
  const url = clean(given);
  const hasInstances = p.id === 'mastodon' || p.id === 'bluesky';
  if (url === null) {
    if (p.id === 'mastodon') fail('invalid_input', 'Mastodon needs your server, e.g. https://mastodon.social');
    return p.id === 'bluesky' ? 'https://bsky.social' : null;
  }
  if (!hasInstances) fail('invalid_input', `${p.name} has no servers to choose`);
  const withScheme = url.includes('://') ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return fail('invalid_input', `'${withScheme}' is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname.toLowerCase());
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    fail('insecure_url', `${withScheme} is not https: only loopback addresses may use plain http`);
  }
  return parsed.href.replace(/\/+$/, '');
}

type Job = { cancelled: boolean; wake: () => void };

export function createAccountStore(opts: AccountStoreOptions) {
  const accounts: AccountView[] = (opts.accounts ?? []).map((a) => ({ ...a }));
  /** The creator's own app per platform, as the keychain remembers it. */
  const apps = new Map<PlatformId, { clientId: string; secret: string | null }>();
  /** The sign-ins the keychain holds (account id → how it signed in). */
  const signIns = new Map<string, string>(accounts.map((a) => [a.id, a.auth_mode]));
  const running = new Map<string, Job>();
  let counter = 0;

  const data = (id: string): PlatformData =>
    DATA.find((d) => d.id === id) ?? fail('invalid_input', `unknown platform "${id}"; one of ${DATA.map((d) => d.id).join(', ')}`);

  /** Waits `stepMs` (or a tick), or until the job is cancelled; then throws if it was. */
  async function step(job: Job): Promise<void> {
    await new Promise<void>((resolve) => {
      job.wake = resolve;
      if (opts.stepMs) setTimeout(resolve, opts.stepMs);
      else void Promise.resolve().then(resolve);
    });
    if (job.cancelled) fail('cancelled', 'Cancelled.');
  }

  async function withJob<T>(jobId: string, body: (job: Job) => Promise<T>): Promise<T> {
    const job: Job = { cancelled: false, wake: () => {} };
    running.set(jobId, job);
    try {
      return await body(job);
    } finally {
      running.delete(jobId);
    }
  }

  const publicCopy = (a: AccountView): AccountView => ({ ...a });
  const sorted = () =>
    [...accounts].sort((a, b) => a.platform.localeCompare(b.platform) || a.handle.toLowerCase().localeCompare(b.handle.toLowerCase()));

  function save(p: PlatformData, instance: string | null, who: { handle: string; display: string | null }, mode: AccountView['auth_mode']): AccountView {
    const now = Date.now();
    // OAuth tokens last an hour (renewed with the refresh token), a Bluesky session two.
    const expires = mode === 'oauth' && p.id !== 'mastodon' ? now + 3_600_000 : mode === 'app_password' ? now + 7_200_000 : null;
    const existing = accounts.find((a) => a.platform === p.id && a.instance_url === instance && a.handle.toLowerCase() === who.handle.toLowerCase());
    const fields = {
      handle: who.handle, display_name: who.display, status: 'connected' as const, auth_mode: mode,
      token_expires_at: expires === null ? null : new Date(expires).toISOString(),
    };
    if (existing) {
      Object.assign(existing, fields);
      signIns.set(existing.id, mode);
      return publicCopy(existing);
    }
    counter += 1;
    const account: AccountView = {
      id: `acct-${p.id}-${now.toString(36)}-${counter}`, platform: p.id, platform_name: p.name, instance_url: instance,
      ...fields, connected_at: new Date(now).toISOString(),
    };
    accounts.push(account);
    signIns.set(account.id, mode);
    return publicCopy(account);
  }

  async function connect(jobId: string, req: ConnectRequest, onProgress: (p: ProgressEvent) => void): Promise<AccountView> {
    const p = data(req.platform);
    const instance = instanceFor(p, req.instance);
    const token = clean(req.access_token);

    if (token !== null) {
      if (p.id !== 'mastodon') fail('invalid_input', 'a pasted access token works for Mastodon only');
      return withJob(jobId, async (job) => {
        await step(job);
        if (token === 'wrong') fail('auth_failed', 'Mastodon refused the access token (401 Unauthorized)');
        return save(p, instance, { handle: `@${p.who.handle}@${new URL(instance!).host}`, display: p.who.display }, 'access_token');
      });
    }

    if (p.id === 'bluesky') {
      const handle = clean(req.handle)?.replace(/^@/, '') ?? null;
      const password = clean(req.app_password);
      if (handle === null || password === null) fail('invalid_input', 'Bluesky needs your handle and an app password');
      return withJob(jobId, async (job) => {
        await step(job);
        if (password === 'wrong') fail('auth_failed', 'Invalid identifier or password');
        return save(p, instance, { handle: `@${handle}`, display: null }, 'app_password');
      });
    }

    // OAuth: Mastodon registers its own app on the server; elsewhere the creator's app is used.
    let clientId: string;
    if (p.id === 'mastodon') {
      clientId = `mastodon-app-${counter + 1}`;
    } else {
      const given = clean(req.client_id);
      const remembered = apps.get(p.id);
      if (given === null && !remembered) {
        fail('invalid_input', `${p.name} needs your own app's client ID the first time; see the setup steps for how to register one`);
      }
      const app = given !== null ? { clientId: given, secret: clean(req.client_secret) } : { ...remembered!, secret: clean(req.client_secret) ?? remembered!.secret };
      if (p.oauth?.secret === 'required' && app.secret === null) fail('invalid_input', `${p.name} needs your app's client secret`);
      apps.set(p.id, app);
      clientId = app.clientId;
    }

    return withJob(jobId, async (job) => {
      const port = p.oauth?.fixedPort ?? 49152 + (counter % 1000);
      const authorize = p.id === 'mastodon' ? `${instance}${p.authorize}` : p.authorize;
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: `http://127.0.0.1:${port}/callback`,
        scope: (p.oauth?.scopes ?? []).join(' '),
        state: `state-${jobId.slice(-6)}`,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      onProgress({ item: `${authorize}?${query.toString()}`, stage: 'browser', done: 0, total: 1, fraction: null });
      await step(job);
      if (clientId.toLowerCase().includes('deny')) fail('auth_failed', 'sign-in did not finish: you declined access in the browser');
      const who = p.id === 'mastodon' ? { handle: `@${p.who.handle}@${new URL(instance!).host}`, display: p.who.display } : p.who;
      return save(p, instance, who, 'oauth');
    });
  }

  function disconnect(id: string): Disconnected {
    const i = accounts.findIndex((a) => a.id === id);
    if (i < 0) fail('not_found', `No account with id ${id}.`);
    const account = accounts[i]!;
    const p = data(account.platform);
    const mode = signIns.get(id);
    // Bluesky signs out; OAuth platforms revoke when they can and the app is known.
    const revoked = mode === undefined ? false : p.id === 'bluesky' || (mode === 'oauth' && (p.oauth?.revokes ?? false));
    const note =
      mode === undefined
        ? 'no sign-in was stored'
        : revoked
          ? null
          : `${p.name} offers no way to revoke from the app; remove Viral Studio in its settings`;
    accounts.splice(i, 1);
    signIns.delete(id);
    return { id, revoked, note };
  }

  async function publishNow(jobId: string, req: PublishNowRequest, onProgress: (p: ProgressEvent) => void): Promise<PublishedView> {
    const account = accounts.find((a) => a.id === req.account_id) ?? fail('not_found', `No account with id ${req.account_id}.`);
    const p = data(account.platform);
    if (account.status === 'needs_reconnect') fail('needs_reconnect', `${p.name} ${account.handle} needs reconnecting before it can post`);
    const input = opts.resolveInput(req.input) ?? fail('not_found', `"${req.input}" is neither an asset id, a render id nor an existing file.`);
    if (input.kind === 'audio') fail('invalid_media', 'an audio file cannot be posted on its own; render it with a picture first');
    if (input.kind === null) fail('invalid_media', `"${req.input}" is not a video or an image`);
    const length = [...req.caption].length;
    if (length > p.limits.caption_max) fail('invalid_input', `${p.name} allows ${p.limits.caption_max} characters in a caption; this one has ${length}`);
    if (p.limits.title_max !== null && (req.title ?? '').length > p.limits.title_max) {
      fail('invalid_input', `${p.name} allows ${p.limits.title_max} characters in a title`);
    }
    if (p.id === 'youtube' && clean(req.title) === null) fail('invalid_input', 'YouTube needs a title');
    if (p.needs_media_relay) {
      fail('media_relay_missing', `${p.name} fetches the video from a public URL, and no media relay is configured. Connect a team server (Settings → Team) to publish there`);
    }
    return withJob(jobId, async (job) => {
      const ticks = 10;
      for (let i = 1; i <= ticks; i += 1) {
        await step(job);
        onProgress({ item: req.input, stage: 'uploading', done: 0, total: 1, fraction: i / ticks });
      }
      counter += 1;
      const postId = `${Date.now().toString(36)}${counter}`;
      return { account_id: account.id, platform: account.platform, post_id: postId, url: p.postUrl(postId, account.handle), job_id: `publish-${counter}` };
    });
  }

  return {
    platforms: () => MEMORY_PLATFORMS.map((p) => ({ ...p, setup: [...p.setup], scopes: [...p.scopes], limits: { ...p.limits } })),
    list: () => sorted().map(publicCopy),
    connect,
    disconnect,
    publishNow,
    jobCancel(jobId: string): boolean {
      const job = running.get(jobId);
      if (!job) return false;
      job.cancelled = true;
      job.wake();
      return true;
    },
    /** For tests: every account as stored. */
    dumpAccounts: () => accounts.map(publicCopy),
  };
}
