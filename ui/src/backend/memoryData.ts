/** Fixed data for the in-memory backend, so tests are deterministic. */
import type { AppInfo, Asset, Campaign } from './bindings';
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
