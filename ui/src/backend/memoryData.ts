/** Fixed data for the in-memory backend, so tests are deterministic. */
import type { AccountView, AppInfo, Asset, Campaign, RenderRecord } from './bindings';
import { fakeAsset } from './memoryAssets';

export const MEMORY_TIMEZONES: readonly string[] = [
  'UTC',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'America/Anchorage',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Mexico_City',
  'America/New_York',
  'America/Sao_Paulo',
  'America/Toronto',
  'Asia/Dubai',
  'Asia/Hong_Kong',
  'Asia/Jakarta',
  'Asia/Kolkata',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Melbourne',
  'Australia/Sydney',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/Istanbul',
  'Europe/Lisbon',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Paris',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Pacific/Auckland',
  'Pacific/Honolulu',
];

export const MEMORY_APP_INFO: AppInfo = {
  version: '0.1.0-memory',
  data_dir: '(in memory)',
  database_path: '(in memory)',
  log_dir: '(in memory)',
  default_timezone: 'UTC',
};

/** Demo rows for `npm run dev` in a plain browser. */
export function demoCampaigns(): Campaign[] {
  const at = '2025-01-06T09:00:00Z';
  const base = { created_at: at, updated_at: at, version: 1, archived: false };
  return [
    {
      ...base,
      id: 'demo-spring-launch',
      name: 'Spring launch',
      goal: 'Grow the channel to 50k followers',
      starts_on: '2025-03-01',
      ends_on: '2025-04-30',
      timezone: 'Europe/Paris',
      sponsored: true,
      budget: '1500.00',
      currency: 'EUR',
      notes: 'Three shorts a week, one long-form recap.',
    },
    {
      ...base,
      id: 'demo-behind-the-scenes',
      name: 'Behind the scenes',
      goal: null,
      starts_on: '2025-02-10',
      ends_on: null,
      timezone: 'America/New_York',
      sponsored: false,
      budget: null,
      currency: null,
      notes: null,
    },
    {
      ...base,
      id: 'demo-holiday-recap',
      name: 'Holiday recap',
      goal: 'Best-of montage',
      starts_on: '2024-12-01',
      ends_on: '2024-12-31',
      timezone: 'UTC',
      sponsored: false,
      budget: null,
      currency: null,
      notes: null,
      archived: true,
    },
  ];
}

/** Demo library for `npm run dev` in a plain browser. */
export function demoAssets(): Asset[] {
  const files: [string, string | null][] = [
    ['/home/demo/Videos/launch-teaser-vertical.mp4', 'demo-spring-launch'],
    ['/home/demo/Videos/studio-tour.mov', 'demo-behind-the-scenes'],
    ['/home/demo/Videos/drone-4k.mp4', null],
    ['/home/demo/Pictures/cover-art.png', 'demo-spring-launch'],
    ['/home/demo/Pictures/behind-the-scenes.jpg', 'demo-behind-the-scenes'],
    ['/home/demo/Music/intro-theme.mp3', null],
    ['/home/demo/Music/voiceover-take-3.wav', 'demo-spring-launch'],
  ];
  return files.map(([path, campaign], i) =>
    fakeAsset(path, { id: `demo-asset-${i + 1}`, created_at: `2025-01-0${9 - i}T10:00:00Z`, campaign_id: campaign }),
  );
}

/** Render history for the demo videos: a finished render, a failed one, one whose file is gone. */
export function demoRenders(): RenderRecord[] {
  const base = {
    output_exists: true, width: 1080, height: 1920, encoder: 'libx264', error_code: null, error_message: null, request: null,
  };
  return [
    {
      ...base, id: 'demo-render-1', asset_id: 'demo-asset-1', preset: 'tiktok', state: 'done',
      output: '/home/demo/Viral Studio/renders/launch-teaser-vertical-tiktok.mp4', size_bytes: 18_900_000, duration_s: 18.4,
      created_at: '2025-01-10T09:30:00Z',
    },
    {
      ...base, id: 'demo-render-2', asset_id: 'demo-asset-1', preset: 'reels', state: 'failed', output: null, output_exists: false,
      size_bytes: null, width: null, height: null, duration_s: null, encoder: null, error_code: 'invalid_captions',
      error_message: 'The captions file cannot be used (line 12): the end time is before the start time', created_at: '2025-01-10T09:20:00Z',
    },
    {
      ...base, id: 'demo-render-3', asset_id: 'demo-asset-2', preset: 'youtube', state: 'done', width: 1920, height: 1080,
      output: '/home/demo/Viral Studio/renders/studio-tour-youtube.mp4', output_exists: false, size_bytes: null, duration_s: 64.2,
      created_at: '2025-01-10T08:00:00Z',
    },
  ];
}

/** A few connected accounts for `npm run dev`: one of each status. */
export function demoAccounts(now = Date.now()): AccountView[] {
  const day = 24 * 3600 * 1000;
  const at = (ms: number) => new Date(ms).toISOString();
  return [
    {
      id: 'demo-acct-yt', platform: 'youtube', platform_name: 'YouTube', instance_url: null, handle: '@democreator', display_name: 'Demo Creator',
      status: 'connected', auth_mode: 'oauth', token_expires_at: at(now + 3600 * 1000), connected_at: at(now - 30 * day),
    },
    {
      id: 'demo-acct-bsky', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@democreator.bsky.social',
      display_name: null, status: 'expiring', auth_mode: 'app_password', token_expires_at: at(now + 3 * day), connected_at: at(now - 60 * day),
    },
    {
      id: 'demo-acct-tt', platform: 'tiktok', platform_name: 'TikTok', instance_url: null, handle: 'democreator', display_name: 'Demo Creator',
      status: 'needs_reconnect', auth_mode: 'oauth', token_expires_at: null, connected_at: at(now - 90 * day),
    },
  ];
}
