import { assetRecord, expect, openApp, scenario, test, withoutFeatures } from './fixtures';

// The video and its features are the scenario's; its scores are studio-score's (make fixtures).
const { seed, answers } = scenario('score-panel');
const video = () => assetRecord({ ...withoutFeatures(seed.score!.assets[0]!), created_at: '2025-01-05T10:00:00Z' });

test('the viral score: measure once, rise with a hooky caption, and an over-limit caption on X', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 800 });
  await openApp(page, { hash: '#/library', seed: { assets: [video()], scoreStepMs: 120, answers } });
  await page.getByTestId('asset-card').filter({ hasText: 'launch-teaser.mp4' }).click();
  const panel = page.getByTestId('score-panel');
  await expect(panel).toBeVisible();

  // The first score measures the video.
  await expect(page.getByTestId('score-progress')).toBeVisible();
  await expect(page.getByTestId('score-cancel')).toBeVisible();
  await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });
  await expect(page.getByTestId('score-platform')).toHaveValue('tiktok');
  await expect(page.getByTestId('score-coverage')).toHaveText(/^Based on \d+% of the factors$/);
  await expect(page.getByTestId('score-model')).toHaveText('Model: prior weights');
  const hook = page.getByTestId('score-factor').and(page.locator('[data-factor="caption_hook"]'));
  await expect(hook.getByTestId('score-factor-value')).toHaveText('not measured');
  await expect(page.getByTestId('score-factor').and(page.locator('[data-factor="hook_speech"]'))).toHaveAttribute('data-known', 'false');
  const before = Number(await page.getByTestId('score-value').textContent());

  // A hooky caption: a question, a number, a call to action, hashtags and an emoji.
  await page.getByTestId('score-caption').pressSequentially('Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth', { delay: 5 });
  await expect(hook.getByTestId('score-factor-value')).toHaveText('3 signals');
  await expect(page.getByTestId('score-progress')).toHaveCount(0);
  await expect.poll(async () => Number(await page.getByTestId('score-value').textContent())).toBeGreaterThan(before);
  await page.getByTestId('score-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/score-panel.png' });

  // X takes 280 characters: a long caption is blocking and its advice comes first.
  await page.getByTestId('score-caption').fill('word '.repeat(80).trim());
  await page.getByTestId('score-platform').selectOption('x');
  await expect(page.getByTestId('score-caption-count')).toHaveText('399 / 280');
  await expect(page.getByTestId('score-blocker')).toHaveText('caption 399 characters, X allows 280');
  await expect(page.getByTestId('score-advice-item').first()).toHaveAttribute('data-factor', 'caption_length');
  await page.getByTestId('score-blockers').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/score-x-blocker.png' });
});
