import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import answers from '../backend/fixtures/composer.json';
import scenario from '../backend/fixtures/seeds/composer.json';
import { asset, campaign, renderWithBackend } from '../test/render';
import { Composer } from './Composer';

// The scenario's clock: studio-api computed its best times (and each slot's next start) for this instant.
const NOW = Date.parse(scenario.now);

const account = (id: string, platform: AccountView['platform'], platform_name: string): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});

function open(seed: MemorySeed = {}) {
  const user = userEvent.setup();
  const backend = createMemoryBackend({
    campaigns: [campaign({ id: 'c1', name: 'Launch', timezone: 'Europe/Berlin' })],
    accounts: [account('x1', 'x', 'X'), account('bs1', 'bluesky', 'Bluesky'), account('tt1', 'tiktok', 'TikTok')],
    assets: [asset({ id: 'v1', original_name: 'teaser.mp4' })],
    // X has fakeHistory('x1', 60) of its own (fixtures/seeds/composer.json); best times are studio-api's.
    history: scenario.history,
    answers: answers as Fixture,
    ...seed,
  });
  renderWithBackend(<Composer media="v1" onClose={vi.fn()} onDone={vi.fn()} />, backend);
  return { user, backend };
}

const tick = async (user: ReturnType<typeof userEvent.setup>, id: string) =>
  user.click(screen.getAllByTestId('composer-account').find((c) => c.dataset.accountId === id)!);
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const row = (id: string) => screen.getAllByTestId('best-times-account').find((r) => r.dataset.accountId === id)!;

describe('Composer: best times', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('is empty without accounts, then offers each account’s best slots in the composer’s zone', async () => {
    const { user } = open();
    await screen.findByTestId('composer-form');
    expect(screen.getByTestId('best-times-empty')).toHaveTextContent('Choose an account to see when its audience is most active.');
    expect(screen.getByTestId('best-times')).toHaveTextContent('Best times in Europe/Berlin');

    await tick(user, 'x1');
    await tick(user, 'bs1');
    await waitFor(() => expect(screen.getAllByTestId('best-times-account')).toHaveLength(2));
    // X has 60 posts of its own; Bluesky none yet.
    expect(within(row('x1')).getByTestId('best-times-source')).toHaveTextContent('From your 60 posts');
    expect(within(row('x1')).getByTestId('best-times-source')).toHaveAttribute('data-own', 'true');
    expect(within(row('bs1')).getByTestId('best-times-source')).toHaveTextContent('Platform typical times');
    const chips = within(row('bs1')).getAllByTestId('best-time');
    expect(chips).toHaveLength(4);
    for (const c of chips) expect(c.textContent).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00, \d+% of the week’s best, next on /);
    expect(within(row('bs1')).getByRole('group', { name: 'Best times for Bluesky @bs1' })).toBeInTheDocument();
  });

  it('a slot sets the post’s date and time to its next start, and shows as chosen', async () => {
    const { user } = open();
    await screen.findByTestId('composer-form');
    await user.click(screen.getByTestId('composer-when-slot'));
    await tick(user, 'bs1');
    await waitFor(() => expect(within(row('bs1')).getAllByTestId('best-time').length).toBeGreaterThan(0));
    const chip = within(row('bs1')).getAllByTestId('best-time')[1]!;
    const next = chip.dataset.nextAt!;
    // studio-api writes the slot's next start as a UTC instant (the fake wrote it with the zone's
    // offset); Berlin is UTC+1 in November, so the fields get that instant's Berlin wall clock.
    expect(next).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    const berlin = new Date(Date.parse(next) + 3_600_000).toISOString();
    await user.click(chip);
    expect(screen.getByTestId('composer-when-at')).toBeChecked();
    expect(screen.getByTestId('composer-date')).toHaveValue(berlin.slice(0, 10));
    expect(screen.getByTestId('composer-time')).toHaveValue(berlin.slice(11, 16));
    expect(chip).toHaveAttribute('aria-pressed', 'true');
    const day = (iso: string) => DAYS[(new Date(iso).getUTCDay() + 6) % 7];
    expect(chip.textContent!.startsWith(`${day(berlin)} ${berlin.slice(11, 16)}`)).toBe(true);

    // Another zone asks again: the same slot is now written in New York time (UTC-5 in November).
    const firstInBerlin = within(row('bs1')).getAllByTestId('best-time')[0]!.dataset.nextAt;
    fireEvent.change(screen.getByTestId('composer-timezone'), { target: { value: 'America/New_York' } });
    await waitFor(() => expect(within(row('bs1')).getAllByTestId('best-time')[0]!.dataset.nextAt).not.toBe(firstInBerlin));
    const first = within(row('bs1')).getAllByTestId('best-time')[0]!;
    const ny = new Date(Date.parse(first.dataset.nextAt!) - 5 * 3_600_000).toISOString();
    expect(first.textContent!.startsWith(`${day(ny)} ${ny.slice(11, 16)}`)).toBe(true);
    expect(screen.getByTestId('best-times')).toHaveTextContent('Best times in America/New_York');
  });

  it('shows a failure with Retry', async () => {
    const { user, backend } = open();
    await screen.findByTestId('composer-form');
    backend.failNext('bestTimes', 'internal', 'the database is busy');
    await tick(user, 'tt1');
    const banner = await screen.findByTestId('best-times-error');
    expect(banner).toHaveTextContent('Could not load the best times: the database is busy');
    await user.click(within(banner).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getAllByTestId('best-times-account')).toHaveLength(1));
  });
});

describe('Composer: first comment and thread parts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('says where they cannot be posted, and counts each part in the platform’s unit where they are', async () => {
    const { user } = open();
    await screen.findByTestId('composer-form');
    await tick(user, 'x1');
    await tick(user, 'tt1');
    // TikTok (the last ticked) is shown: no replies through its API.
    await waitFor(() => expect(screen.getByTestId('replies-unsupported')).toHaveTextContent('TikTok can’t post these through its API'));
    fireEvent.change(screen.getByTestId('override-first-comment'), { target: { value: 'link in bio' } });
    await waitFor(() =>
      expect(screen.getAllByTestId('preview-problem').map((p) => p.textContent)).toContain(
        'TikTok does not take first comments through its API; remove it or add it by hand after publishing',
      ),
    );

    await user.click(screen.getAllByTestId('composer-tab')[0]!);
    const panel = screen.getByTestId('composer-panel');
    expect(panel).toHaveAttribute('data-account-id', 'x1');
    expect(within(panel).queryByTestId('replies-unsupported')).not.toBeInTheDocument();
    expect(panel).toHaveTextContent('Posted as a reply after the post.');
    expect(panel).toHaveTextContent('Posted as replies after the post, in order');
    fireEvent.change(within(panel).getByTestId('override-thread'), { target: { value: `part two 🚀\n---\n${'x'.repeat(281)}` } });
    const counts = within(panel).getAllByTestId('thread-part-count');
    expect(counts.map((c) => c.textContent)).toEqual(['Part 2: 11 / 280 weighted characters', 'Part 3: 281 / 280 weighted characters']);
    expect(within(counts[1]!).getByTestId('thread-part-length')).toHaveClass('is-over');
    fireEvent.change(within(panel).getByTestId('override-first-comment'), { target: { value: 'More at https://example.com/a/very/long/link' } });
    expect(within(panel).getByTestId('first-comment-count')).toHaveTextContent('31 / 280 weighted characters');
    await waitFor(() =>
      expect(screen.getAllByTestId('preview-problem').map((p) => p.textContent)).toContain('part 3 is 281 weighted characters, X allows 280'),
    );
  });
});
