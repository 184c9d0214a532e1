import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView, PostView } from '../backend';
import { createMemoryBackend } from '../backend/memory';
import { postBase, targetBase } from '../test/factories';
import { campaign, renderWithBackend } from '../test/render';
import { PostDetail } from './PostDetail';

const acct = (id: string, platform: AccountView['platform'], platform_name: string): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});
const soon = new Date(Date.now() + 86_400_000).toISOString();
const ev = (state: string, detail: string | null = null) => ({ at: '2026-11-18T10:00:00Z', state, detail });

function open(p: PostView) {
  const user = userEvent.setup();
  const backend = createMemoryBackend({ campaigns: [campaign({ id: 'c1' })], accounts: [acct('x1', 'x', 'X'), acct('bs1', 'bluesky', 'Bluesky'), acct('yt1', 'youtube', 'YouTube')], posts: [p] });
  const onClose = vi.fn();
  const onEdit = vi.fn();
  renderWithBackend(<PostDetail postId={p.id} onClose={onClose} onEdit={onEdit} />, backend);
  return { user, backend, onClose, onEdit };
}

const target = (id: string) => screen.getAllByTestId('target-card').find((c) => c.dataset.targetId === id)!;

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
