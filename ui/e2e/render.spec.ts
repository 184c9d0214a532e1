import type { Page } from '@playwright/test';
import { assetRecord, expect, openApp, renderRecord, test, type Seed } from './fixtures';

const video = () =>
  assetRecord({ id: 'v1', original_name: 'launch-teaser.mp4', duration_s: 27.4, created_at: '2025-01-05T10:00:00Z' });
const image = () =>
  assetRecord({
    id: 'i1', kind: 'image', original_name: 'cover-art.png', path: '/library/i1.png', width: 1080, height: 1350, duration_s: null,
    fps: null, rotation: 0, container: 'png', video_codec: null, audio_codec: null, audio_channels: null, sample_rate: null,
    filmstrip: null, created_at: '2025-01-04T10:00:00Z',
  });

async function openVideo(page: Page, seed: Seed) {
  await openApp(page, { hash: '#/library', seed: { assets: [video(), image()], ...seed } });
  await page.getByTestId('asset-card').filter({ hasText: 'launch-teaser.mp4' }).click();
  const detail = page.getByTestId('asset-detail');
  await expect(detail).toBeVisible();
  return detail;
}

const dialog = (page: Page) => page.getByTestId('render-dialog');
const rows = (page: Page) => page.getByTestId('render-row');

test('render with a hook text and a trim: progress, result, then the Renders list, and delete it', async ({ page }) => {
  const detail = await openVideo(page, { renderStepMs: 120, pickCaptions: '/home/me/Captions/launch.srt', pickMusic: '/home/me/Music/bed.mp3' });
  await expect(detail.getByTestId('renders-empty')).toBeVisible();

  // R opens the dialog; TikTok is the default preset.
  await page.keyboard.press('r');
  await expect(dialog(page)).toBeVisible();
  await expect(page.getByTestId('render-preset')).toBeFocused();
  await expect(page.getByTestId('render-preset')).toHaveValue('tiktok');
  await expect(page.getByTestId('render-preset').locator('option:checked')).toHaveText('TikTok — 1080×1920, 30 fps');
  await expect(page.getByTestId('render-trim-length')).toHaveText('The whole video: 27.4 s (0:27).');

  // Client-side checks first.
  await page.getByTestId('render-trim-start').fill('9');
  await page.getByTestId('render-trim-end').fill('3');
  await page.getByTestId('render-submit').click();
  await expect(page.getByTestId('error-render-trim-end')).toHaveText('The end must be after the start.');
  await expect(page.getByTestId('render-trim-end')).toBeFocused();
  await page.getByTestId('render-trim-end').fill('40');
  await expect(page.getByTestId('error-render-trim-end')).toHaveText('The video is only 27.4 s long.');
  await page.getByTestId('render-trim-start').fill('2.5');
  await page.getByTestId('render-trim-end').fill('14.5');
  await expect(page.getByTestId('error-render-trim-end')).toHaveCount(0);
  await expect(page.getByTestId('render-trim-length')).toHaveText('Renders 12 s (0:12) of 27.4 s.');

  await page.getByTestId('render-hook-text').fill('Wait for the drop');
  await expect(page.getByTestId('render-hook-count')).toHaveText('17 / 120');
  await page.getByTestId('render-hook-seconds').fill('2.5');
  await page.getByTestId('render-captions-pick').click();
  await expect(page.getByTestId('render-captions-name')).toHaveText('launch.srt');
  await page.getByTestId('render-music-pick').click();
  await expect(page.getByTestId('render-music-name')).toHaveText('bed.mp3');
  await page.getByTestId('render-music-clear').click();
  await expect(page.getByTestId('render-music-name')).toHaveCount(0);
  await page.getByTestId('render-reframe').selectOption('smart');
  await page.screenshot({ path: 'test-results/render-form.png' });

  await page.getByTestId('render-submit').click();
  await expect(page.getByTestId('render-running')).toBeVisible();
  await expect(page.getByTestId('render-stage')).toHaveText('Measuring loudness');
  await expect(page.getByTestId('render-stage')).toHaveText('Following the subject');
  await expect(page.getByTestId('render-stage')).toHaveText('Rendering');
  const bar = page.getByTestId('render-progress');
  await expect(bar).toHaveAttribute('aria-valuenow', /^([1-9]\d?)$/);
  await expect(page.getByTestId('render-percent')).toHaveText(/^\d{1,3}%$/);
  await expect(page.getByTestId('render-eta')).toHaveText(/^about \d+ s left$|^almost done$/);
  await expect(page.getByTestId('render-elapsed')).toHaveText(/^Elapsed 0:\d{2}$/);
  await expect(page.getByTestId('render-cancel')).toBeFocused();
  await page.screenshot({ path: 'test-results/render-progress.png' });

  const result = page.getByTestId('render-result');
  await expect(result).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('render-result-size')).toHaveText('1080 × 1920 px · 30 fps');
  await expect(page.getByTestId('render-result-duration')).toHaveText('0:12 (12 s)');
  await expect(page.getByTestId('render-result-encoder')).toHaveText('libx264');
  await expect(page.getByTestId('render-result-gain')).toHaveText(/^[+−]\d+\.\d dB \(the source was −\d+\.\d LUFS\)$/);
  await expect(page.getByTestId('render-result-file')).toHaveText('launch-teaser-tiktok.mp4');
  await expect(page.getByTestId('render-open')).toBeFocused();
  await page.getByTestId('render-reveal').click();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/render-done.png' });
  await page.getByTestId('render-close').click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(page.getByTestId('asset-detail-close')).toBeFocused(); // where R was pressed

  // The Renders list has it, with a preview.
  await expect(rows(page)).toHaveCount(1);
  const row = rows(page).first();
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.getByTestId('render-state')).toHaveText('Done');
  await expect(row).toContainText('TikTok');
  await expect(row).toContainText('1080×1920 · 0:12 · 12.4 MB');
  await row.getByTestId('render-row-preview').click();
  await expect(row.getByTestId('render-video')).toHaveAttribute('src', /^data:audio\/wav/);
  await page.screenshot({ path: 'test-results/render-list.png' });

  // Delete, with a confirmation; Escape in the confirmation only closes the confirmation.
  await row.getByTestId('render-row-delete').click();
  await expect(page.getByRole('dialog', { name: 'Delete render?' })).toContainText('“launch-teaser-tiktok.mp4” will be deleted from disk');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Delete render?' })).toHaveCount(0);
  await expect(detail).toBeVisible();
  await row.getByTestId('render-row-delete').click();
  await page.getByTestId('render-delete-confirm').click();
  await expect(rows(page)).toHaveCount(0);
  await expect(detail.getByTestId('renders-empty')).toBeVisible();
});

test('cancel a render from the dialog; hide one and cancel it from the Renders list', async ({ page }) => {
  const detail = await openVideo(page, { renderStepMs: 150 });
  await detail.getByTestId('asset-render').click();
  await page.getByTestId('render-preset').selectOption('youtube');
  await page.getByTestId('render-reframe').selectOption('center');
  await page.getByTestId('render-submit').click();
  await expect(page.getByTestId('render-stage')).toHaveText('Rendering', { timeout: 10_000 });
  await page.getByTestId('render-cancel').click();
  await expect(page.getByTestId('render-cancelled')).toContainText('Render cancelled');
  await expect(page.getByTestId('render-back')).toBeFocused();

  // Back to the form with the values kept.
  await page.getByTestId('render-back').click();
  await expect(page.getByTestId('render-preset')).toHaveValue('youtube');
  await expect(page.getByTestId('render-reframe')).toHaveValue('center');

  // Hide (Escape) while it runs: it keeps going in the Renders list, which can cancel it.
  await page.getByTestId('render-submit').click();
  await expect(page.getByTestId('render-running')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toHaveCount(0);
  await expect(detail).toBeVisible();
  const running = rows(page).and(page.locator('[data-state="running"]'));
  await expect(running).toHaveCount(1);
  await expect(running.getByTestId('render-row-progress')).toBeVisible();
  await expect(running.getByTestId('render-row-delete')).toBeDisabled();
  await page.screenshot({ path: 'test-results/render-list-running.png' });
  await running.getByTestId('render-row-cancel').click();

  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).and(page.locator('[data-state="cancelled"]'))).toHaveCount(2);
  await expect(rows(page).first().getByTestId('render-state')).toHaveText('Cancelled');
  await expect(rows(page).first()).toContainText('YouTube');
});

test('a failed render shows its error and goes back to the form; the list shows failures and missing files', async ({ page }) => {
  const detail = await openVideo(page, {
    renderStepMs: 10,
    pickMusic: '/home/me/Music/broken-bed.mp3',
    renders: [
      renderRecord({ id: 'r-old', asset_id: 'v1', preset: 'reels', output: '/renders/old.mp4', output_exists: false, size_bytes: null, created_at: '2025-01-06T10:00:00Z' }),
    ],
  });
  const missing = rows(page).filter({ hasText: 'Instagram Reels' });
  await expect(missing.getByTestId('render-missing')).toHaveText('file missing');
  await expect(missing.getByTestId('render-row-open')).toBeDisabled();
  await expect(missing.getByTestId('render-row-reveal')).toBeDisabled();

  await detail.getByTestId('asset-render').click();
  await page.getByTestId('render-hook-text').fill('Big news');
  await page.getByTestId('render-music-pick').click();
  await page.getByTestId('render-submit').click();
  const error = page.getByTestId('render-error');
  await expect(error).toHaveAttribute('data-code', 'render_failed', { timeout: 10_000 });
  await expect(error).toContainText('The render did not finish.');
  await expect(error).toContainText('Invalid data found when processing input');
  await page.screenshot({ path: 'test-results/render-failed.png' });
  await page.getByTestId('render-back').click();
  await expect(page.getByTestId('render-hook-text')).toHaveValue('Big news');
  await expect(page.getByTestId('render-music-name')).toHaveText('broken-bed.mp3');
  await page.getByTestId('render-close-form').click();

  const failed = rows(page).and(page.locator('[data-state="failed"]'));
  await expect(failed.getByTestId('render-row-error')).toContainText('The render failed');
  await expect(failed.getByTestId('render-row-open')).toHaveCount(0);
});

test('images have no Render…; R does nothing there', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed: { assets: [video(), image()] } });
  await page.getByTestId('asset-card').filter({ hasText: 'cover-art.png' }).click();
  await expect(page.getByTestId('asset-detail')).toBeVisible();
  await expect(page.getByTestId('asset-render')).toHaveCount(0);
  await expect(page.getByTestId('renders')).toHaveCount(0);
  await page.keyboard.press('r');
  await expect(dialog(page)).toHaveCount(0);
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of rendering (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openVideo(page, {
      renderStepMs: 400,
      renders: [
        renderRecord({ id: 'r1', asset_id: 'v1', created_at: '2025-01-06T10:00:00Z' }),
        renderRecord({
          id: 'r2', asset_id: 'v1', preset: 'square', state: 'failed', output: null, output_exists: false, size_bytes: null, width: null,
          height: null, duration_s: null, encoder: null, error_code: 'invalid_captions',
          error_message: 'The captions file cannot be used (line 12): the end time is before the start time', created_at: '2025-01-06T09:00:00Z',
        }),
        renderRecord({ id: 'r3', asset_id: 'v1', preset: 'youtube', width: 1920, height: 1080, output_exists: false, size_bytes: null, created_at: '2025-01-06T08:00:00Z' }),
      ],
    });
    await expect(rows(page)).toHaveCount(3);
    await page.screenshot({ path: `test-results/render-list-${theme}.png` });
    await page.getByTestId('asset-render').click();
    await page.getByTestId('render-hook-text').fill('Wait for the drop');
    await page.getByTestId('render-trim-end').fill('20');
    await page.getByTestId('render-captions-pick').click();
    await page.screenshot({ path: `test-results/render-form-${theme}.png` });
    await page.getByTestId('render-submit').click();
    await expect(page.getByTestId('render-stage')).toHaveText('Rendering', { timeout: 10_000 });
    await expect(page.getByTestId('render-eta')).toHaveText(/left/);
    await page.screenshot({ path: `test-results/render-progress-${theme}.png` });
  });
}
