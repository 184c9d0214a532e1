import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountView, RevenueEntry } from '../backend/bindings';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import answers from '../backend/fixtures/analytics-screen.json';
import scenario from '../backend/fixtures/seeds/analytics-screen.json';
import emptyAnswers from '../backend/fixtures/analytics-empty.json';
import scoresAnswers from '../backend/fixtures/analytics-scores.json';
import scoresScenario from '../backend/fixtures/seeds/analytics-scores.json';
import { today } from '../lib/analytics';
import { addDaysToDate } from '../lib/zoned';
import { campaign, renderWithBackend } from '../test/render';
import { Analytics } from './Analytics';

// The scenario's clock: its answers were computed by studio-api for this instant (make fixtures).
const NOW = Date.parse(scenario.now);

const account = (id: string, platform: AccountView['platform'], platform_name: string): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});

/** p1–p3 in the last 90 days (3,500 views); p4 long before (fixtures/seeds/analytics-screen.json). */
const HISTORY = scenario.history;

function backend(extra: MemorySeed = {}) {
  // The seed's own state replays studio-api's answers; a test that changes the state passes its
  // own scenario's answers (fixtures/seeds/analytics-*.json).
  return createMemoryBackend({
    campaigns: [campaign({ id: 'c1', name: 'Launch' }), campaign({ id: 'c2', name: 'Diary' })],
    accounts: [account('x1', 'x', 'X'), account('bs1', 'bluesky', 'Bluesky')],
    history: HISTORY,
    revenue: scenario.revenue as RevenueEntry[],
    rates: scenario.rates,
    answers: answers as Fixture,
    ...extra,
  });
}

function show(b = backend(), hash = '#/analytics') {
  window.location.hash = hash;
  return { user: userEvent.setup(), ...renderWithBackend(<Analytics />, b) };
}

const tile = (testId: string) => within(screen.getByTestId(testId)).getByRole('definition');


// The charts are a lazily loaded chunk; load it once up front so each test waits only for React.
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW, shouldAdvanceTime: true });
  await import('../components/AnalyticsCharts');
});
afterAll(() => {
  vi.useRealTimers();
});
describe('Analytics screen', () => {
  it('shows totals, revenue with ROI, breakdowns, ranked posts and how the score held up', async () => {
    show();
    await waitFor(() => expect(tile('total-views')).toHaveTextContent('3,500'));
    expect(tile('total-likes')).toHaveTextContent('200');
    // (200 + 10 + 5 + 5) / 3,500 views.
    expect(tile('total-engagement')).toHaveTextContent('6.3%');

    const eur = screen.getAllByTestId('revenue-row').find((r) => r.dataset.currency === 'EUR')!;
    expect(within(eur).getByTestId('revenue-roi')).toHaveTextContent('+150%');
    const usd = screen.getAllByTestId('revenue-row').find((r) => r.dataset.currency === 'USD')!;
    expect(within(usd).getByTestId('revenue-roi')).toHaveTextContent('—');
    expect(screen.getByTestId('revenue-missing-rates')).toHaveTextContent('no exchange rate set for USD');

    const platforms = within(screen.getByTestId('breakdown-platform')).getAllByTestId('breakdown-row');
    expect(platforms.map((r) => r.dataset.key)).toEqual(['x', 'bluesky']);
    expect(within(platforms[0]!).getByRole('button')).toHaveTextContent('X');
    expect(within(screen.getByTestId('breakdown-campaign')).getAllByRole('button').map((b) => b.textContent)).toEqual(['Diary', 'Launch']);

    const top = () => within(screen.getByTestId('top-posts')).getAllByTestId('ranked-post').map((p) => p.dataset.postId);
    expect(top()).toEqual(['p1', 'p3', 'p2']);
    await userEvent.setup().click(screen.getByTestId('rank-by-views'));
    expect(top()).toEqual(['p2', 'p1', 'p3']);

    // Scores 40 < 70 < 80 against rates 3 % < 8 % < 12 %: the same order.
    expect(screen.getByTestId('score-spearman')).toHaveTextContent('Spearman’s ρ = 1.00 over 3 posts with views: strong positive relation');
    expect(screen.getAllByTestId('heatmap-cell')).toHaveLength(168);
  });

  it('draws the charts even where nothing can be measured (jsdom), and has the series as a table', async () => {
    const { user, container } = show();
    const chart = await screen.findByTestId('series-chart');
    expect(chart).toHaveAttribute('data-points', '90');
    await waitFor(() => expect(container.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(0));
    expect(await screen.findByTestId('score-scatter')).toHaveAttribute('data-points', '3');

    await user.selectOptions(screen.getByTestId('analytics-metric'), 'engagement_rate');
    await user.click(screen.getByText('Show as a table'));
    const rows = within(screen.getByTestId('series-table')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(90);
    // Two days ago p1 made 12 %; today nothing was published.
    expect(rows[87]).toHaveTextContent('12.0%');
    expect(rows[89]).toHaveTextContent('—');
  });

  it('has the score against engagement as a table too, highest score first', async () => {
    // HISTORY plus p5, published yesterday on Bluesky with a learned 90 and no views (fixtures/seeds/analytics-scores.json).
    const { user } = show(backend({ history: scoresScenario.history, answers: scoresAnswers as Fixture }));
    expect(await screen.findByTestId('score-scatter')).toHaveAttribute('data-points', '4');
    await user.click(screen.getByText('Show the scores as a table'));
    const table = screen.getByRole('table', { name: /Predicted score and actual engagement, one row per published post/ });
    expect(table).toBe(screen.getByTestId('score-table'));
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Platform', 'Score', 'Engagement rate', 'Views', 'Model']);
    const rows = within(table).getAllByTestId('score-row');
    // The backend sends the newest first (p5, p1, p2, p3); the table goes by score.
    expect(rows.map((r) => r.dataset.postId)).toEqual(['p5', 'p1', 'p3', 'p2']);
    expect(rows.map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent))).toEqual([
      ['Bluesky', '90', '—', '0', 'Learned model'],
      ['X', '80', '12.0%', '1,000', 'Platform prior'],
      ['Bluesky', '70', '8.0%', '500', 'Platform prior'],
      ['X', '40', '3.0%', '2,000', 'Platform prior'],
    ]);
  });

  it('asks the backend for what the filters say and keeps them in the hash', async () => {
    const b = backend();
    const spy = vi.spyOn(b, 'analyticsGet');
    const { user } = show(b);
    const base = { campaign_id: null, account_id: null, platform: null, timezone: null };
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith({ ...base, from: addDaysToDate(today(), -89), to: today() }));

    await user.selectOptions(await screen.findByTestId('analytics-campaign'), 'c2');
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith({ ...base, campaign_id: 'c2', from: addDaysToDate(today(), -89), to: today() }));
    expect(window.location.hash).toBe('#/analytics?campaign=c2');
    await waitFor(() => expect(tile('total-views')).toHaveTextContent('2,000'));

    await user.click(screen.getByTestId('analytics-range-all'));
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith({ ...base, campaign_id: 'c2', from: null, to: null }));
    await waitFor(() => expect(tile('total-views')).toHaveTextContent('11,999'));

    // A breakdown row filters by itself.
    await user.click(within(screen.getByTestId('breakdown-platform')).getByRole('button', { name: 'Bluesky' }));
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith({ ...base, campaign_id: 'c2', platform: 'bluesky', from: null, to: null }));
    expect(window.location.hash).toBe('#/analytics?range=all&campaign=c2&platform=bluesky');
    expect(screen.getByTestId('analytics-platform')).toHaveValue('bluesky');

    // An impossible custom range is explained and never sent.
    const calls = spy.mock.calls.length;
    await user.click(screen.getByTestId('analytics-range-custom'));
    await user.type(screen.getByTestId('analytics-from'), '2026-05-10');
    await user.type(screen.getByTestId('analytics-to'), '2026-05-01');
    expect(screen.getByRole('alert')).toHaveTextContent('The end must not be before the start.');
    expect(spy.mock.calls.slice(calls).every(([f]) => f.from === null || f.to === null || f.from <= f.to)).toBe(true);
  });

  it('starts from the filter in the hash', async () => {
    const b = backend();
    const spy = vi.spyOn(b, 'analyticsGet');
    show(b, '#/analytics?range=7&platform=x');
    await waitFor(() => expect(spy).toHaveBeenCalledWith(expect.objectContaining({ platform: 'x', from: addDaysToDate(today(), -6), to: today() })));
    expect(screen.getByTestId('analytics-range-7')).toBeChecked();
    await waitFor(() => expect(tile('total-views')).toHaveTextContent('3,000'));
  });

  it('keeps the chart metric in the hash with the filters, leaving out the default', async () => {
    const { user } = show(backend(), '#/analytics?range=30&metric=likes');
    const metric = await screen.findByTestId('analytics-metric');
    expect(metric).toHaveValue('likes');
    expect(screen.getByRole('table', { name: 'Likes per day' })).toBeInTheDocument();

    await user.selectOptions(metric, 'engagement_rate');
    expect(window.location.hash).toBe('#/analytics?range=30&metric=engagement_rate');
    // Other filters keep it.
    await user.selectOptions(screen.getByTestId('analytics-campaign'), 'c1');
    expect(window.location.hash).toBe('#/analytics?range=30&campaign=c1&metric=engagement_rate');
    expect(screen.getByTestId('analytics-metric')).toHaveValue('engagement_rate');
    await user.selectOptions(screen.getByTestId('analytics-metric'), 'views');
    expect(window.location.hash).toBe('#/analytics?range=30&campaign=c1');
  });

  it('falls back to views for a metric it does not know', async () => {
    show(backend(), '#/analytics?metric=followers');
    expect(await screen.findByTestId('analytics-metric')).toHaveValue('views');
    expect(screen.getByRole('table', { name: 'Views per day' })).toBeInTheDocument();
  });

  it('without data says so and offers a wider look instead of empty charts', async () => {
    const { user } = show(backend({ history: [], revenue: [], answers: emptyAnswers as Fixture }));
    expect(await screen.findByTestId('analytics-empty')).toHaveTextContent('No results in this range');
    expect(screen.queryByTestId('series-chart')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('analytics-show-all'));
    await waitFor(() => expect(screen.getByTestId('analytics-empty')).toHaveTextContent('No results yet'));
    expect(screen.queryByTestId('analytics-show-all')).not.toBeInTheDocument();
  });

  it('shows a loading state, then an error with Retry that recovers', async () => {
    const b = backend();
    b.failNext('analyticsGet', 'database_busy', 'The database is busy.');
    const { user } = show(b);
    expect(screen.getByTestId('analytics-loading')).toHaveAttribute('role', 'status');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('Could not load analytics: The database is busy.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(tile('total-views')).toHaveTextContent('3,500'));
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });
});
