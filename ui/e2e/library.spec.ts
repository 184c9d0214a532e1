import type { Page } from '@playwright/test';
import { assetRecord, campaignRecord, expect, fileDrag, openApp, test } from './fixtures';

const cards = (page: Page) => page.getByTestId('asset-card');
const card = (page: Page, name: string) => cards(page).filter({ hasText: name });
const panel = (page: Page) => page.getByTestId('import-panel');
const summary = (page: Page) => page.getByTestId('import-summary');

const DROPPED = [
  '/home/me/Videos/launch-vertical.mp4',
  '/home/me/Videos/broken.mp4',
  '/home/me/Pictures/cover.jpg',
  '/home/me/notes.txt',
  '/home/me/Music/theme.mp3',
];

const seededLibrary = () => [
  assetRecord({ id: 'v1', original_name: 'teaser-vertical.mp4', created_at: '2025-01-05T10:00:00Z', campaign_id: 'c-spring' }),
  assetRecord({
    id: 'v2', original_name: 'drone-4k.mov', width: 3840, height: 2160, duration_s: 74.2, fps: 59.94, rotation: 0,
    video_codec: 'hevc', variable_frame_rate: true, size_bytes: 412_000_000, created_at: '2025-01-04T10:00:00Z',
  }),
  assetRecord({
    id: 'i1', kind: 'image', original_name: 'cover-art.png', path: '/library/i1.png', width: 1080, height: 1350, duration_s: null,
    fps: null, rotation: 0, container: 'png', video_codec: null, audio_codec: null, audio_channels: null, sample_rate: null,
    filmstrip: null, size_bytes: 1_840_000, created_at: '2025-01-03T10:00:00Z', campaign_id: 'c-spring',
  }),
  assetRecord({
    id: 'a1', kind: 'audio', original_name: 'voiceover-take-3.wav', path: '/library/a1.wav', width: null, height: null,
    duration_s: 95.5, fps: null, rotation: 0, container: 'wav', video_codec: null, audio_codec: 'pcm_s16le', audio_channels: 1,
    sample_rate: 44100, poster: null, filmstrip: null, waveform: '/library/.thumbs/a1/waveform.png', size_bytes: 8_400_000,
    created_at: '2025-01-02T10:00:00Z', storage: 'referenced',
  }),
];

const campaigns = [campaignRecord({ id: 'c-spring', name: 'Spring launch' })];

test('empty state, then a dropped batch: overlay, progress, summary with failures, new cards', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { importStepMs: 150 } });
  const empty = page.getByTestId('library-empty');
  await expect(empty).toContainText('Drop videos, images or audio here');
  await expect(page.getByTestId('import-files')).toBeVisible();
  await expect(page.getByTestId('import-folder')).toBeVisible();

  await fileDrag(page, 'hover', DROPPED);
  await expect(page.getByTestId('drop-overlay')).toHaveText(/Drop to import 5 items/);
  await fileDrag(page, 'leave');
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await fileDrag(page, 'hover', DROPPED);
  await fileDrag(page, 'drop', DROPPED);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);

  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toHaveAttribute('aria-valuemax', '5');
  await expect(bar).toHaveAttribute('aria-valuenow', /^[0-4]$/);
  await expect(page.getByTestId('import-current')).toContainText(/\.(mp4|jpg|txt|mp3) — /);
  await expect(page.getByTestId('import-cancel')).toBeEnabled();

  await expect(summary(page)).toHaveText('Imported 3 · Skipped 0 · Failed 2', { timeout: 10_000 });
  await expect(panel(page)).toContainText('Import finished');
  await page.getByText('Show 2 files not imported').click();
  const failures = page.getByTestId('import-failure');
  await expect(failures).toHaveCount(2);
  await expect(failures.filter({ hasText: 'notes.txt' })).toHaveAttribute('data-code', 'unsupported_format');
  await expect(failures.filter({ hasText: 'notes.txt' })).toContainText('Not a video, image or audio format');
  await expect(failures.filter({ hasText: 'broken.mp4' })).toHaveAttribute('data-code', 'corrupt_media');
  await expect(failures.filter({ hasText: 'broken.mp4' })).toContainText('looks damaged');

  await expect(cards(page)).toHaveCount(3);
  const video = card(page, 'launch-vertical.mp4');
  await expect(video.getByTestId('asset-resolution')).toHaveText('1080×1920');
  await expect(video.getByTestId('asset-duration')).toHaveText(/^\d+:\d{2}$/);
  await expect(card(page, 'cover.jpg').getByTestId('asset-duration')).toHaveCount(0);
  await expect(card(page, 'theme.mp3').getByTestId('asset-duration')).toHaveText(/^\d+:\d{2}$/);
  await expect(card(page, 'cover.jpg')).toHaveAttribute('data-asset-id', /.+/);

  await page.getByTestId('import-dismiss').click();
  await expect(panel(page)).toHaveCount(0);
});

test('a card opens its detail from the keyboard: player, filmstrip and facts', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { assets: seededLibrary(), campaigns } });
  await expect(cards(page)).toHaveCount(4);
  await card(page, 'teaser-vertical.mp4').focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('asset-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('heading', { name: 'teaser-vertical.mp4' })).toBeVisible();
  await expect(detail.locator('video')).toHaveAttribute('src', /^data:audio\/wav/);
  await expect(detail.getByTestId('asset-filmstrip')).toBeVisible();
  const facts = detail.getByTestId('asset-facts');
  await expect(facts).toContainText('1080 × 1920 px (portrait)');
  await expect(facts).toContainText('0:27 (27.4 s)');
  await expect(facts).toContainText('29.97 fps');
  await expect(facts).toContainText('90° (shown upright)');
  await expect(facts).toContainText('aac · stereo · 48 kHz');
  await expect(facts).toContainText('Copied into the library');
  await expect(facts).toContainText('Spring launch');
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
  await expect(card(page, 'teaser-vertical.mp4')).toBeFocused();

  // Arrow keys move between cards; the audio card shows its waveform and a player.
  await page.keyboard.press('End');
  await expect(card(page, 'voiceover-take-3.wav')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(detail.locator('audio')).toBeVisible();
  await expect(detail.getByRole('img', { name: 'Waveform' })).toBeVisible();
  await expect(detail.getByTestId('asset-facts')).toContainText('pcm_s16le · mono · 44.1 kHz');
  await expect(detail.getByTestId('asset-facts')).toContainText('Used in place');
  await detail.getByTestId('asset-detail-close').click();
  await page.keyboard.press('ArrowLeft');
  await expect(card(page, 'cover-art.png')).toBeFocused();
});

test('filters: kind, campaign and a debounced search', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { assets: seededLibrary(), campaigns } });
  await expect(cards(page)).toHaveCount(4);
  await page.getByTestId('asset-filter-kind-video').check();
  await expect(cards(page)).toHaveCount(2);
  await expect(cards(page).and(page.locator('[data-kind="video"]'))).toHaveCount(2);
  await page.getByTestId('asset-filter-kind-audio').check();
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText('voiceover-take-3.wav');
  await page.getByTestId('asset-filter-kind-all').check();
  await expect(cards(page)).toHaveCount(4);

  await page.getByTestId('asset-filter-campaign').selectOption({ label: 'Spring launch' });
  await expect(cards(page)).toHaveCount(2);
  await page.getByTestId('asset-filter-campaign').selectOption({ label: 'All campaigns' });

  await page.getByTestId('asset-search').fill('DRONE');
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText('drone-4k.mov');
  await page.getByTestId('asset-search').fill('nothing-like-this');
  await expect(page.getByText('No assets match these filters.')).toBeVisible();
  await page.getByTestId('asset-filter-clear').click();
  await expect(cards(page)).toHaveCount(4);
  await expect(page.getByTestId('asset-search')).toHaveValue('');
});

test('Add by path: files and folders, duplicates skipped, "Use in place" keeps files where they are', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { importStepMs: 20 } });
  await page.getByTestId('import-path-toggle').click();
  await expect(page.getByTestId('import-path')).toBeFocused();
  await page.getByTestId('import-path-submit').click();
  await expect(page.getByTestId('error-import-path')).toBeVisible();

  await page.getByTestId('import-path').fill('/home/me/Videos/interview.mp4\n"/home/me/Shoot day"\n');
  await page.getByTestId('import-path-submit').click();
  await expect(summary(page)).toHaveText('Imported 5 · Skipped 0 · Failed 0');
  await expect(summary(page)).toHaveAttribute('data-imported', '5');
  await expect(cards(page)).toHaveCount(5);
  await expect(page.getByTestId('import-path')).toHaveValue('');

  await page.getByTestId('import-mode-reference').check();
  await page.getByTestId('import-path').fill('/home/me/Videos/interview.mp4\n/home/me/Videos/b-roll.mov');
  await page.keyboard.press('Control+Enter');
  await expect(summary(page)).toHaveText('Imported 1 · Skipped 1 · Failed 0');
  await page.getByText('Show 1 file not imported').click();
  await expect(page.getByTestId('import-skipped')).toContainText('interview.mp4');
  await expect(page.getByTestId('import-skipped')).toContainText('already in the library');
  await expect(card(page, 'b-roll.mov')).toContainText('In place');
  await card(page, 'b-roll.mov').click();
  await expect(page.getByTestId('asset-facts')).toContainText('/home/me/Videos/b-roll.mov');

  // The choice is remembered.
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(page.getByTestId('import-mode-reference')).toBeChecked();
});

test('Cancel stops the import and reports the rest as cancelled', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { importStepMs: 250 } });
  const paths = Array.from({ length: 6 }, (_, i) => `/home/me/Videos/clip-${i + 1}.mp4`);
  await fileDrag(page, 'drop', paths);
  await expect(page.getByTestId('import-current')).toBeVisible();
  await page.getByTestId('import-cancel').click();
  await expect(panel(page)).toContainText('Import cancelled', { timeout: 10_000 });
  const failed = Number(await summary(page).getAttribute('data-failed'));
  expect(failed).toBeGreaterThanOrEqual(4);
  await expect(summary(page)).toHaveText(`Imported ${6 - failed} · Skipped 0 · Failed ${failed}`);
  await page.getByText(/Show \d files not imported/).click();
  await expect(page.locator('[data-testid="import-failure"][data-code="cancelled"]')).toHaveCount(failed);
  await expect(cards(page)).toHaveCount(6 - failed);
});

test('Import files… and Import folder… use the file dialogs; a drop on another screen opens the Library', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { pickFiles: ['/media/a.mp4', '/media/b.png'], pickFolder: '/media/Trip', importStepMs: 10 } });
  await page.getByTestId('import-files').click();
  await expect(summary(page)).toHaveText('Imported 2 · Skipped 0 · Failed 0');
  await page.getByTestId('import-folder').click();
  await expect(summary(page)).toHaveText('Imported 4 · Skipped 0 · Failed 0');
  await expect(cards(page)).toHaveCount(6);

  await page.getByTestId('nav-campaigns').click();
  await fileDrag(page, 'drop', ['/media/late.mp3']);
  await expect(page).toHaveURL(/#\/library$/);
  await expect(summary(page)).toHaveText('Imported 1 · Skipped 0 · Failed 0');
  await expect(cards(page)).toHaveCount(7);
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of the Library (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page, { hash: '#/library', seed: { importStepMs: 400 } });
    await expect(page.getByTestId('library-empty')).toBeVisible();
    await page.screenshot({ path: `test-results/library-empty-${theme}.png` });
    await fileDrag(page, 'hover', DROPPED);
    await page.screenshot({ path: `test-results/library-drop-${theme}.png` });
    await fileDrag(page, 'drop', DROPPED);
    await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '2', { timeout: 10_000 });
    await page.screenshot({ path: `test-results/library-importing-${theme}.png` });
    await expect(summary(page)).toBeVisible({ timeout: 10_000 });
    await page.getByText('Show 2 files not imported').click();
    await page.getByTestId('import-path-toggle').click();
    await page.getByTestId('import-path').fill('/home/me/Shoot day\n/home/me/Music/intro.flac');
    await page.getByTestId('import-path-submit').click();
    await expect(cards(page)).toHaveCount(8, { timeout: 15_000 });
    await page.getByTestId('import-path-toggle').click();
    await page.screenshot({ path: `test-results/library-${theme}.png` });
    await card(page, 'clip-02-vertical.mov').click();
    await expect(page.getByTestId('asset-detail')).toBeVisible();
    await page.screenshot({ path: `test-results/library-detail-${theme}.png` });
  });
}
