import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView, PostView, TargetState } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import resultsAnswers from '../backend/fixtures/post-results.json';
import latestAnswers from '../backend/fixtures/post-results-latest.json';
import noneAnswers from '../backend/fixtures/post-results-none.json';
import resultsSeed from '../backend/fixtures/seeds/post-results.json';
import { postBase, targetBase } from '../test/factories';
import { campaign, renderWithBackend } from '../test/render';
import { PostDetail } from './PostDetail';

const acct = (id: string, platform: AccountView['platform'], platform_name: string): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});
const soon = new Date(Date.now() + 86_400_000).toISOString();
const ev = (state: TargetState, detail: string | null = null) => ({ at: '2026-11-18T10:00:00Z', state, detail });

function open(p: PostView, seed: Pick<MemorySeed, 'answers'> = {}) {
  const user = userEvent.setup();
  const backend = createMemoryBackend({
    campaigns: [campaign({ id: 'c1' })], accounts: [acct('x1', 'x', 'X'), acct('bs1', 'bluesky', 'Bluesky'), acct('yt1', 'youtube', 'YouTube')], posts: [p], ...seed,
  });
  const onClose = vi.fn();
  const onEdit = vi.fn();
  renderWithBackend(<PostDetail postId={p.id} onClose={onClose} onEdit={onEdit} />, backend);
  return { user, backend, onClose, onEdit };
}

const target = (id: string) => screen.getAllByTestId('target-card').find((c) => c.dataset.targetId === id)!;


// The charts are a lazily loaded chunk; load it once up front so each test waits only for React.
beforeAll(async () => {
  await import('../components/AnalyticsCharts');
});
describe('Post detail', () => {
  it('shows each account’s timeline and live upload progress; retries, marks as posted and cancels', async () => {
    const p: PostView = {
      ...postBase('p1', 'c1', soon, [
        targetBase('t-failed', { account_id: 'x1', state: 'failed', failure_message: 'X refused the video: too long', events: [ev('queued', 'Scheduled'), ev('uploading', '0%'), ev('failed', 'too long')] }),
        targetBase('t-unconf', { account_id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', state: 'unconfirmed', attention: 'unconfirmed' }),
        targetBase('t-up', { account_id: 'yt1', platform: 'youtube', platform_name: 'YouTube', state: 'uploading', upload_progress: 0.42 }),
      ]),
      state: 'publishing',
    };
    const { user } = open(p);
    await screen.findAllByTestId('target-card');
    expect(screen.getByTestId('post-state')).toHaveTextContent('Publishing');
    expect(within(target('t-failed')).getAllByTestId('timeline-item').map((i) => i.dataset.state)).toEqual(['queued', 'uploading', 'failed']);
    expect(within(target('t-failed')).getByTestId('target-failure')).toHaveTextContent('X refused the video: too long');
    expect(within(target('t-up')).getByRole('progressbar', { name: 'Uploading to YouTube' })).toHaveAttribute('aria-valuenow', '42');
    // A publishing post can be neither edited nor unscheduled nor deleted.
    expect(screen.queryByTestId('post-edit')).not.toBeInTheDocument();
    expect(screen.queryByTestId('post-unschedule')).not.toBeInTheDocument();
    expect(screen.queryByTestId('post-delete')).not.toBeInTheDocument();
    expect(within(target('t-up')).queryByTestId('target-retry')).not.toBeInTheDocument();

    await user.click(within(target('t-failed')).getByTestId('target-retry'));
    await waitFor(() => expect(target('t-failed')).toHaveAttribute('data-state', 'queued'));
    expect(screen.getByTestId('post-notice')).toHaveTextContent('X @democreator: queued again.');
    expect(within(target('t-failed')).getAllByTestId('timeline-item').at(-1)).toHaveTextContent('Retry requested');

    await user.click(within(target('t-unconf')).getByTestId('target-mark-posted'));
    await user.type(screen.getByTestId('target-posted-url'), 'https://bsky.app/profile/me/post/1');
    await user.click(screen.getByTestId('target-posted-save'));
    await waitFor(() => expect(target('t-unconf')).toHaveAttribute('data-state', 'published'));
    expect(within(target('t-unconf')).getByTestId('target-link')).toHaveAttribute('href', 'https://bsky.app/profile/me/post/1');

    await user.click(within(target('t-failed')).getByTestId('target-cancel'));
    await waitFor(() => expect(target('t-failed')).toHaveAttribute('data-state', 'cancelled'));
  });

  it('shows a backend refusal (a retry for an account that needs reconnecting)', async () => {
    const p = { ...postBase('p1', 'c1', soon, [targetBase('t1', { account_id: 'x1', state: 'failed' })]), state: 'publishing' as const };
    const { user, backend } = open(p);
    await screen.findAllByTestId('target-card');
    backend.failNext('targetRetry', 'needs_reconnect', 'X @x1 needs reconnecting before it can post');
    await user.click(screen.getByTestId('target-retry'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('X @x1 needs reconnecting before it can post');
  });

  it('edits, unschedules and deletes a scheduled post (delete asks first)', async () => {
    const p = { ...postBase('p1', 'c1', soon, [targetBase('t1', { account_id: 'x1' })]), recurrence: { freq: 'weekly' as const, interval: 2, weekdays: [1, 3], until: null, count: 5 } };
    const { user, backend, onClose, onEdit } = open(p);
    await screen.findAllByTestId('target-card');
    expect(screen.getByTestId('post-recurrence')).toHaveTextContent('Every 2 weeks on Mon, Wed, 5 times');
    expect(screen.getByTestId('post-when')).toHaveTextContent('UTC');
    await user.click(screen.getByTestId('post-edit'));
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: 'p1', state: 'scheduled' }));

    await user.click(screen.getByTestId('post-unschedule'));
    await waitFor(() => expect(screen.getByTestId('post-state')).toHaveTextContent('Draft'));
    expect(screen.getByTestId('post-when')).toHaveTextContent('Not scheduled');
    expect(screen.queryByTestId('post-unschedule')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('post-delete'));
    const confirm = await screen.findByRole('dialog', { name: 'Delete this post?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(backend.dumpPosts()).toHaveLength(1);
    await user.click(screen.getByTestId('post-delete'));
    await user.click(screen.getByTestId('post-delete-confirm'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(backend.dumpPosts()).toHaveLength(0);
  });
});

describe('Post detail: results over time', () => {
  // The scenarios' clock and post (fixtures/seeds/post-results*.json): p1 went out 50 hours before
  // `now` on YouTube and Bluesky; its results are studio-api's answers for each scenario.
  const publishedAt = resultsSeed.history[0]!.published_at;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(resultsSeed.now), shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());
  // Four reads on YouTube, two on Bluesky (which reports no saves).
  const snapshots = { answers: resultsAnswers as Fixture };
  const published = (targets = [
    targetBase('t-yt', { account_id: 'yt1', platform: 'youtube', platform_name: 'YouTube', handle: '@yt1', state: 'published', published_at: publishedAt, post_url: 'https://youtu.be/1' }),
    targetBase('t-bs', { account_id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', handle: '@bs1', state: 'published', published_at: publishedAt }),
  ]): PostView => ({ ...postBase('p1', 'c1', publishedAt, targets), state: 'done' });
  const row = (id: string) => screen.getAllByTestId('post-results-row').find((r) => r.dataset.targetId === id)!;
  const cell = (id: string, metric: string) => row(id).querySelector(`td[data-metric="${metric}"]`)!;
  const seriesValues = (id: string) =>
    screen.getAllByTestId('post-results-series-row').filter((r) => r.dataset.targetId === id).map((r) => r.querySelector('td.num')!.textContent);

  it('says when metrics will arrive while a published post has none yet', async () => {
    open(published(), { answers: noneAnswers as Fixture });
    expect(await screen.findByTestId('post-results-empty')).toHaveTextContent('Metrics arrive about an hour after publishing');
    expect(screen.queryByTestId('post-results-chart')).not.toBeInTheDocument();
    expect(screen.queryByTestId('post-results-metric')).not.toBeInTheDocument();
  });

  it('is not there for a post that has not been published anywhere', async () => {
    const backend = open(postBase('p1', 'c1', soon, [targetBase('t1', { account_id: 'x1' })])).backend;
    const spy = vi.spyOn(backend, 'postResults');
    await screen.findAllByTestId('target-card');
    expect(screen.queryByTestId('post-results')).not.toBeInTheDocument();
    expect(spy).not.toHaveBeenCalled();
  });

  it('charts each account’s line and lists its latest numbers; the metric choice changes the chart and the series table', async () => {
    const { user } = open(published(), snapshots);
    const chart = await screen.findByTestId('post-results-chart');
    expect(chart).toHaveAttribute('data-metric', 'views');
    expect(chart).toHaveAttribute('data-lines', '2');
    expect(chart).toHaveAttribute('data-points', '6');
    expect(within(chart).getByText('YouTube · @yt1')).toBeInTheDocument();

    // Latest numbers, by platform: Bluesky first; a count the platform does not report is "—".
    expect(screen.getAllByTestId('post-results-row').map((r) => r.dataset.targetId)).toEqual(['t-bs', 't-yt']);
    expect(cell('t-yt', 'views')).toHaveTextContent(/^5,?000$/);
    expect(cell('t-yt', 'engagement_rate')).toHaveTextContent('8.0%');
    expect(cell('t-bs', 'saves')).toHaveTextContent('—');
    expect(within(row('t-yt')).getByRole('link', { name: 'YouTube · @yt1' })).toHaveAttribute('href', 'https://youtu.be/1');
    expect(row('t-yt')).toHaveTextContent('2 d after publishing');
    expect(seriesValues('t-bs')).toEqual(['90', '300']);
    expect(cell('t-yt', 'views')).toHaveClass('is-selected');

    await user.selectOptions(screen.getByTestId('post-results-metric'), 'likes');
    expect(screen.getByTestId('post-results-chart')).toHaveAttribute('data-metric', 'likes');
    expect(seriesValues('t-bs')).toEqual(['9', '24']);
    expect(cell('t-yt', 'likes')).toHaveClass('is-selected');
    expect(cell('t-yt', 'views')).not.toHaveClass('is-selected');

    // (9 + 1 + 3) / 90 and (24 + 3 + 6) / 300, saves not reported.
    await user.selectOptions(screen.getByTestId('post-results-metric'), 'engagement_rate');
    expect(seriesValues('t-bs')).toEqual(['14.4%', '11.0%']);
    expect(screen.getByTestId('post-results-chart')).toHaveAttribute('data-points', '6');
  });

  it('shows one point from the latest metrics when no snapshots were kept', async () => {
    open(published(), { answers: latestAnswers as Fixture });
    const chart = await screen.findByTestId('post-results-chart');
    expect(chart).toHaveAttribute('data-points', '1');
    expect(cell('t-yt', 'views')).toHaveTextContent(/^1,?234$/);
    expect(row('t-bs')).toHaveTextContent('No metrics yet');
  });

  it('shows a failure to load with a retry that works', async () => {
    const { user, backend } = open(published(), snapshots);
    backend.failNext('postResults', 'database_busy', 'The database is busy.');
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('Could not load the results: The database is busy.');
    await user.click(within(banner).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('post-results-chart')).toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });
});
