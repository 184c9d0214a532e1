import { accountRecord, assetRecord, campaignRecord, expect, openApp, renderRecord, scenario, test, withoutFeatures } from './fixtures';

test('best times: a slot chip sets the composer’s date and time in its zone', async ({ page }) => {
  // X x1 has fakeHistory('x1', 60) as of the scenario's instant; best times are studio-api's.
  const { seed: scene, answers } = scenario('composer');
  await openApp(page, {
    hash: '#/calendar',
    now: scene.now,
    seed: {
      latencyMs: 30,
      campaigns: [campaignRecord({ id: 'c1', name: 'Launch week', timezone: 'Europe/Berlin' })],
      accounts: [
        accountRecord({ id: 'x1' }),
        accountRecord({ id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@me.bsky.social', auth_mode: 'app_password' }),
      ],
      assets: [assetRecord({ id: 'v1', original_name: 'teaser.mp4' })],
      answers,
    },
  });
  await page.getByTestId('calendar-new-post').click();
  await expect(page.getByTestId('composer')).toBeVisible();
  await expect(page.getByTestId('best-times-empty')).toBeVisible();
  await page.getByTestId('composer-caption').fill('Three tips for better shorts #tips');
  await page.getByTestId('composer-media').selectOption('v1');
  await page.locator('[data-testid="composer-account"][data-account-id="x1"]').check();
  await page.locator('[data-testid="composer-account"][data-account-id="bs1"]').check();

  const x = page.locator('[data-testid="best-times-account"][data-account-id="x1"]');
  const bs = page.locator('[data-testid="best-times-account"][data-account-id="bs1"]');
  await expect(x.getByTestId('best-times-source')).toHaveText('From your 60 posts');
  await expect(bs.getByTestId('best-times-source')).toHaveText('Platform typical times');
  await expect(bs.getByTestId('best-time')).toHaveCount(4);

  // Keyboard: focus the second Bluesky slot and press Enter.
  const chip = bs.getByTestId('best-time').nth(1);
  const next = await chip.getAttribute('data-next-at');
  // studio-api writes the slot's next start as a UTC instant; the composer takes it in Berlin (UTC+1 in November).
  expect(next).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
  const berlin = new Date(Date.parse(next!) + 3_600_000).toISOString();
  await chip.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('composer-date')).toHaveValue(berlin.slice(0, 10));
  await expect(page.getByTestId('composer-time')).toHaveValue(berlin.slice(11, 16));
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('best-times').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/composer-best-times.png' });

  // The time is schedulable as it is.
  await page.getByTestId('composer-schedule').click();
  await expect(page.getByTestId('composer')).toHaveCount(0);
  await expect(page.getByTestId('calendar-notice')).toContainText('Scheduled for');
});

test('compare versions: the original and its render with two captions, ranked best first with why', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  // The wide original and its 9:16 render, measured, are the scenario's; their scores are studio-score's (make fixtures).
  const { seed, answers } = scenario('compare-versions');
  await openApp(page, {
    hash: '#/library',
    seed: {
      latencyMs: 20,
      scoreStepMs: 40,
      assets: [assetRecord({ ...withoutFeatures(seed.score!.assets[0]!), original_name: 'wide-cut.mp4' })],
      renders: [renderRecord(withoutFeatures(seed.score!.renders![0]!))],
      answers,
    },
  });
  await page.getByTestId('asset-card').filter({ hasText: 'wide-cut.mp4' }).click();
  await page.getByTestId('asset-compare').click();
  const dialog = page.getByTestId('compare-versions');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('compare-version')).toHaveCount(2);
  await expect(dialog.getByTestId('compare-count')).toHaveText('2 combinations to score');
  await dialog.getByTestId('compare-caption').fill('new cut');
  await dialog.getByTestId('compare-add-caption').click();
  await dialog.getByTestId('compare-caption').nth(1).fill('Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth');
  await expect(dialog.getByTestId('compare-count')).toHaveText('4 combinations to score');
  await dialog.getByTestId('compare-platform').selectOption('tiktok');

  await dialog.getByTestId('compare-run').click();
  await expect(dialog.getByTestId('compare-progress')).toBeVisible();
  await expect(dialog.getByTestId('compare-cancel')).toBeVisible();
  const variants = dialog.getByTestId('variant');
  await expect(variants).toHaveCount(4, { timeout: 10_000 });
  await expect(variants.first()).toHaveAttribute('data-rank', '1');
  await expect(variants.first()).toHaveAttribute('data-input', 'r1');
  await expect(variants.first().getByTestId('variant-caption')).toContainText('Did you know 3 tricks');
  await expect(variants.first().getByTestId('variant-why')).toHaveText(/^\+\d+\.\d pts on .+ vs #2/);
  await expect(variants.nth(3).getByTestId('variant-why')).toHaveText(/^−\d+\.\d pts on .+ vs #3/);
  const scores = await variants.getByTestId('variant-score').allTextContents();
  expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
  await variants.first().getByText('Factors').click();
  await expect(variants.first().getByTestId('score-factor').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/compare-versions.png' });
});

test('the model card: prior with progress, learned with held-out Spearman and the heat map', async ({ page }) => {
  // x1 has 40 posts the score learns from, x2 five (fixtures/seeds/e2e-model-cards.json).
  const { seed: scene, answers } = scenario('e2e-model-cards');
  await openApp(page, {
    hash: '#/accounts',
    now: scene.now,
    seed: {
      latencyMs: 20,
      accounts: [accountRecord({ id: 'x1' }), accountRecord({ id: 'x2', handle: '@newbie' })],
      answers,
    },
  });
  await page.getByRole('button', { name: 'How well the score knows @newbie' }).click();
  const dialog = page.getByTestId('model-dialog');
  await expect(dialog.getByTestId('model-kind')).toHaveText('Using the platform prior');
  await expect(dialog.getByTestId('model-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '5');
  await dialog.getByTestId('model-close').click();

  await page.getByRole('button', { name: 'How well the score knows @democreator' }).click();
  await expect(dialog.getByTestId('model-kind')).toHaveText('Learned from your posts');
  await expect(dialog.getByTestId('model-rho-learned')).toContainText('ρ 0.');
  await expect(dialog.getByTestId('model-weight')).toHaveCount(6);
  await expect(dialog.getByTestId('heatmap-cell')).toHaveCount(168);
  await expect(dialog.getByRole('cell', { name: /^Tue 18:00, \d+%$/ })).toHaveCount(1);
  await page.screenshot({ path: 'test-results/model-card.png' });
});
