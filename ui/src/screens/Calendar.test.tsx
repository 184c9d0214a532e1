import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView, PostView } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import { postBase, targetBase } from '../test/factories';
import { asset, campaign, renderWithBackend } from '../test/render';
import { Calendar } from './Calendar';

const x: AccountView = {
  id: 'acct-x', platform: 'x', platform_name: 'X', instance_url: null, handle: '@democreator', display_name: null, status: 'connected',
  auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
};

const post = (id: string, at: string, over: Partial<PostView> = {}): PostView => ({
  ...postBase(id, 'c1', at, [targetBase(`${id}-t`, { media: 'v1' })]),
  caption: `Post ${id}`,
  media: 'v1',
  ...over,
});

function show(seed: MemorySeed = {}) {
  const user = userEvent.setup();
  const backend = createMemoryBackend({ campaigns: [campaign({ id: 'c1' })], accounts: [x], assets: [asset({ id: 'v1' })], ...seed });
  renderWithBackend(<Calendar />, backend);
  return { user, backend };
}

const day = (key: string) => screen.getAllByTestId('calendar-day').find((d) => d.dataset.day === key)!;
const chip = (id: string) => screen.getAllByTestId('post-chip').find((c) => c.dataset.postId === id)!;

/** What a browser's drag and drop sends (jsdom has no DataTransfer). */
function dragTo(source: HTMLElement, target: HTMLElement) {
  const data = new Map<string, string>();
  const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', dropEffect: 'none', effectAllowed: 'all', types: ['text/plain'] };
  fireEvent.dragStart(source, { dataTransfer });
  fireEvent.dragOver(target, { dataTransfer });
  fireEvent.drop(target, { dataTransfer });
  fireEvent.dragEnd(source, { dataTransfer });
}

describe('Calendar', () => {
  // Wednesday 18 November 2026, 10:00 UTC (the test zone); only Date is faked.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-18T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('shows the month with posts at their local time and a status chip per account', async () => {
    show({
      posts: [
        post('p1', '2026-11-20T09:30:00Z', { targets: [targetBase('t1'), targetBase('t2', { platform: 'bluesky', platform_name: 'Bluesky', state: 'failed' })] }),
        { ...post('p2', '2026-11-02T18:00:00Z', { targets: [targetBase('t3', { state: 'published' })] }), state: 'done' },
      ],
    });
    expect(screen.getByTestId('calendar-period')).toHaveTextContent('November 2026');
    await waitFor(() => expect(screen.getAllByTestId('post-chip')).toHaveLength(2));
    expect(screen.getAllByTestId('calendar-day')).toHaveLength(42); // Mon 26 Oct … Sun 6 Dec
    expect(within(day('2026-11-20')).getByTestId('post-chip')).toHaveAttribute('data-post-id', 'p1');
    const p1 = chip('p1');
    expect(p1).toHaveAccessibleName(/^9:30\sAM Post p1\. Scheduled\. X @democreator: Queued; Bluesky @democreator: Failed/);
    expect(within(p1).getAllByTestId('target-chip').map((c) => c.dataset.state)).toEqual(['queued', 'failed']);
    expect(p1).toHaveAttribute('draggable', 'true');
    expect(chip('p2')).toHaveAttribute('draggable', 'false');
    expect(screen.getByTestId('calendar-count')).toHaveTextContent('2 posts');
    expect(day('2026-11-18')).toHaveClass('is-today');
  });

  it('switches to the week and between periods from the keyboard', async () => {
    show({ posts: [post('p1', '2026-11-20T09:30:00Z')] });
    await waitFor(() => expect(screen.getAllByTestId('post-chip')).toHaveLength(1));
    fireEvent.keyDown(window, { key: 'w' });
    expect(await screen.findByTestId('calendar-week')).toBeInTheDocument();
    expect(screen.getByTestId('calendar-period')).toHaveTextContent(/Nov 16, 2026 – Nov 22, 2026|16 Nov 2026 – 22 Nov 2026/);
    const cell = screen.getAllByTestId('calendar-hour').find((c) => c.dataset.day === '2026-11-20' && c.dataset.hour === '9')!;
    await waitFor(() => expect(within(cell).getByTestId('post-chip')).toBeInTheDocument());
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(screen.getByTestId('calendar-period')).toHaveTextContent(/23/);
    await waitFor(() => expect(screen.queryAllByTestId('post-chip')).toHaveLength(0));
    fireEvent.keyDown(window, { key: 't' });
    expect(screen.getByTestId('calendar-period')).toHaveTextContent(/16/);
    fireEvent.keyDown(window, { key: 'm' });
    expect(await screen.findByTestId('calendar-month')).toBeInTheDocument();
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(screen.getByTestId('calendar-period')).toHaveTextContent('October 2026');
  });

  it('moves a post to another day by drag and drop, keeping its time of day in its zone', async () => {
    const { backend } = show({
      posts: [post('p1', '2026-11-20T17:00:00Z', { timezone: 'Europe/Berlin', scheduled_local: '2026-11-20T18:00:00+01:00' })],
    });
    const schedule = vi.spyOn(backend, 'postSchedule');
    await waitFor(() => expect(chip('p1')).toBeInTheDocument());
    dragTo(chip('p1'), day('2026-11-26'));
    await waitFor(() => expect(within(day('2026-11-26')).getByTestId('post-chip')).toBeInTheDocument());
    expect(schedule).toHaveBeenCalledWith(expect.objectContaining({ post_id: 'p1', at: '2026-11-26T18:00', timezone: 'Europe/Berlin', expected_version: 1 }));
    expect(screen.getByTestId('calendar-notice')).toHaveAttribute('data-kind', 'info');
    expect(backend.dumpPosts()[0]?.scheduled_at).toBe('2026-11-26T17:00:00.000Z');
  });

  it('refuses to drop a post into the past, and never moves one that is publishing', async () => {
    const { backend } = show({
      posts: [post('p1', '2026-11-20T09:00:00Z'), { ...post('busy', '2026-11-21T09:00:00Z', { targets: [targetBase('tb', { state: 'uploading' })] }), state: 'publishing' }],
    });
    const schedule = vi.spyOn(backend, 'postSchedule');
    await waitFor(() => expect(screen.getAllByTestId('post-chip')).toHaveLength(2));
    dragTo(chip('p1'), day('2026-11-16'));
    const notice = screen.getByTestId('calendar-notice');
    expect(notice).toHaveAttribute('data-kind', 'error');
    expect(notice).toHaveAttribute('role', 'alert');
    expect(notice).toHaveTextContent('You can’t move a post into the past.');
    expect(within(day('2026-11-20')).getByTestId('post-chip')).toBeInTheDocument();

    // Today, but earlier than now (09:00 < 10:00) is the past too.
    dragTo(chip('p1'), day('2026-11-18'));
    expect(screen.getByTestId('calendar-notice')).toHaveTextContent('into the past');

    expect(chip('busy')).toHaveAttribute('draggable', 'false');
    dragTo(chip('busy'), day('2026-11-25'));
    expect(schedule).not.toHaveBeenCalled();

    // Alt+→ on a focused chip moves it a day later.
    act(() => chip('p1').focus());
    fireEvent.keyDown(chip('p1'), { key: 'ArrowRight', altKey: true });
    await waitFor(() => expect(schedule).toHaveBeenCalledWith(expect.objectContaining({ at: '2026-11-21T09:00', timezone: 'UTC' })));
  });

  it('opens a post’s detail from its chip and from "Up next"; empty states say what to do', async () => {
    const { user } = show({ posts: [post('p1', '2026-11-20T09:00:00Z')] });
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(1));
    await user.click(screen.getByTestId('queue-row'));
    expect(await screen.findByTestId('post-detail')).toBeInTheDocument();
    expect(await screen.findByTestId('post-caption')).toHaveTextContent('Post p1');
    await user.click(screen.getByTestId('post-close'));
    await user.click(chip('p1'));
    expect(await screen.findByTestId('post-detail')).toBeInTheDocument();
  });

  it('shows empty states', async () => {
    show({ accounts: [] });
    expect(await screen.findByTestId('calendar-empty')).toHaveTextContent('No accounts connected yet');
    expect(await screen.findByTestId('up-next-empty')).toBeInTheDocument();
    expect(await screen.findByTestId('scheduler-lease')).toHaveAttribute('data-alive', 'true');
  });

  it('opens the composer with N', async () => {
    show();
    await screen.findByTestId('calendar-empty');
    fireEvent.keyDown(window, { key: 'n' });
    expect(await screen.findByTestId('composer')).toBeInTheDocument();
  });
});
