import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import { Providers, createQueryClient } from '../Providers';
import { renderWithBackend } from '../test/render';
import { Accounts } from './Accounts';

const account = (over: Partial<AccountView>): AccountView => ({
  id: 'acct', platform: 'x', platform_name: 'X', instance_url: null, handle: '@democreator', display_name: 'Demo Creator', status: 'connected',
  auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z', ...over,
});

const card = (platform: string) => screen.getAllByTestId('platform-card').find((c) => c.dataset.platform === platform)!;
const rows = () => screen.queryAllByTestId('account-row');

async function show(seed: MemorySeed = {}) {
  const user = userEvent.setup();
  const backend = createMemoryBackend(seed);
  renderWithBackend(<Accounts />, backend);
  await waitFor(() => expect(screen.getAllByTestId('platform-card')).toHaveLength(10));
  return { user, backend };
}

describe('Accounts screen', () => {
  it('shows a card per platform: how it signs in, the relay note, its accounts and their status', async () => {
    await show({
      accounts: [
        account({ id: 'x1' }),
        account({ id: 'yt1', platform: 'youtube', platform_name: 'YouTube', handle: '@studio', status: 'expiring', token_expires_at: '2026-06-03T12:00:00Z' }),
        account({ id: 'tt1', platform: 'tiktok', platform_name: 'TikTok', handle: 'democreator', status: 'needs_reconnect' }),
      ],
    });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Accounts');
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByTestId('accounts-count')).toHaveTextContent('3 accounts connected');
    expect(screen.getAllByTestId('platform-name').map((n) => n.textContent)).toEqual([
      'YouTube', 'TikTok', 'Instagram', 'Facebook Pages', 'X', 'LinkedIn', 'Threads', 'Pinterest', 'Mastodon', 'Bluesky',
    ]);
    expect(within(card('bluesky')).getByTestId('platform-auth')).toHaveTextContent('Signs in with your handle and an app password.');
    expect(within(card('instagram')).getByTestId('platform-relay-note')).toHaveTextContent(
      'Needs a team server to publish (Instagram fetches videos from a public link)',
    );
    expect(within(card('threads')).getByTestId('platform-relay-note')).toBeInTheDocument();
    expect(within(card('x')).queryByTestId('platform-relay-note')).not.toBeInTheDocument();
    expect(within(card('facebook')).getByTestId('platform-empty')).toHaveTextContent('No account connected.');
    expect(within(card('facebook')).getByTestId('platform-connect')).toHaveTextContent('Connect');

    const status = (id: string) => within(rows().find((r) => r.dataset.accountId === id)!).getByTestId('account-status');
    expect(status('x1')).toHaveTextContent('Connected');
    expect(status('x1')).toHaveClass('is-connected');
    expect(status('yt1')).toHaveTextContent(/^Expires .*2026$/);
    expect(status('yt1')).toHaveClass('is-expiring');
    expect(status('tt1')).toHaveTextContent('Needs reconnect');
    expect(status('tt1')).toHaveClass('is-needs_reconnect');
    expect(within(card('x')).getByTestId('platform-connect')).toHaveTextContent('Connect another');
    expect(within(card('tiktok')).getByRole('button', { name: 'Reconnect democreator' })).toBeInTheDocument();
  });

  it('connects Bluesky: the new account shows with a notice; the app password is in no cache', async () => {
    const user = userEvent.setup();
    const client = createQueryClient();
    render(
      <Providers backend={createMemoryBackend()} client={client}>
        <Accounts />
      </Providers>,
    );
    await waitFor(() => expect(screen.getAllByTestId('platform-card')).toHaveLength(10));
    expect(screen.getByTestId('accounts-count')).toHaveTextContent('No accounts connected yet.');
    await user.click(within(card('bluesky')).getByTestId('platform-connect'));
    const dialog = await screen.findByTestId('connect-dialog');
    await user.type(within(dialog).getByTestId('connect-handle'), 'me.bsky.social');
    await user.type(within(dialog).getByTestId('connect-app-password'), 'abcd-efgh-ijkl-mnop{Enter}');
    await waitFor(() => expect(screen.queryByTestId('connect-dialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('account-notice')).toHaveTextContent('Connected @me.bsky.social on Bluesky.');
    await waitFor(() => expect(within(card('bluesky')).getByTestId('account-handle')).toHaveTextContent('@me.bsky.social'));
    expect(within(card('bluesky')).getByTestId('account-status')).toHaveTextContent('Connected');
    expect(within(card('bluesky')).getByTestId('platform-connect')).toHaveFocus(); // back where it started
    const cached = JSON.stringify([client.getQueryCache().getAll().map((q) => q.state), client.getMutationCache().getAll().map((m) => m.state)]);
    expect(cached).toContain('@me.bsky.social');
    expect(cached).not.toContain('abcd-efgh-ijkl-mnop');
    expect(document.body.innerHTML).not.toContain('abcd-efgh-ijkl-mnop');
  });

  it('OAuth: waits for the browser with the sign-in link; Cancel goes back to the form without the secret', async () => {
    const { user, backend } = await show({ connectStepMs: 60_000 });
    const cancel = vi.spyOn(backend, 'jobCancel');
    await user.click(within(card('linkedin')).getByTestId('platform-connect'));
    await user.type(await screen.findByTestId('connect-client-id'), 'li-app');
    await user.type(screen.getByTestId('connect-client-secret'), 'li-secret');
    await user.click(screen.getByTestId('connect-submit'));
    expect((await screen.findByTestId<HTMLInputElement>('connect-signin-url')).value).toMatch(/^https:\/\/www\.linkedin\.com\/oauth\/v2\/authorization\?/);
    await user.click(screen.getByTestId('connect-cancel'));
    expect(await screen.findByTestId('connect-cancelled')).toBeInTheDocument();
    expect(cancel).toHaveBeenCalled();
    expect(screen.getByTestId('connect-client-secret')).toHaveValue('');
    expect(rows()).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain('li-secret');
  });

  it('reconnects an account from its row with the form filled in', async () => {
    const { user } = await show({
      accounts: [account({ id: 'm1', platform: 'mastodon', platform_name: 'Mastodon', instance_url: 'https://fosstodon.org', handle: '@me@fosstodon.org', status: 'needs_reconnect' })],
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.click(screen.getByTestId('account-reconnect'));
    const dialog = await screen.findByTestId('connect-dialog');
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('Reconnect @me@fosstodon.org');
    expect(within(dialog).getByTestId('connect-instance')).toHaveValue('https://fosstodon.org');
  });

  it('disconnects only after confirming, then shows what the platform said', async () => {
    const { user, backend } = await show({
      accounts: [account({ id: 'x1' }), account({ id: 'fb1', platform: 'facebook', platform_name: 'Facebook Pages', handle: 'Demo Studio' })],
    });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const fb = () => rows().find((r) => r.dataset.accountId === 'fb1')!;

    await user.click(within(fb()).getByTestId('account-disconnect'));
    let confirm = screen.getByRole('dialog', { name: 'Disconnect Demo Studio?' });
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(rows()).toHaveLength(2);

    await user.click(within(fb()).getByTestId('account-disconnect'));
    confirm = screen.getByRole('dialog', { name: 'Disconnect Demo Studio?' });
    await user.click(within(confirm).getByTestId('account-disconnect-confirm'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByTestId('account-notice')).toHaveTextContent(
      'Disconnected Demo Studio from Facebook Pages. Facebook Pages offers no way to revoke from the app; remove Viral Studio in its settings.',
    );
    expect(screen.getByTestId('account-notice')).toHaveAttribute('data-kind', 'disconnected');

    await user.click(screen.getByTestId('account-disconnect'));
    await user.click(screen.getByTestId('account-disconnect-confirm'));
    await waitFor(() => expect(screen.getByTestId('account-notice')).toHaveTextContent('Disconnected @democreator from X. X revoked Viral Studio’s access.'));
    expect(screen.getByTestId('accounts-count')).toHaveTextContent('No accounts connected yet.');
    expect(await backend.accountList()).toEqual([]);
  });

  it('a failed disconnect stays in the confirmation', async () => {
    const { user, backend } = await show({ accounts: [account({ id: 'x1' })] });
    await waitFor(() => expect(rows()).toHaveLength(1));
    (backend as ReturnType<typeof createMemoryBackend>).failNext('accountDisconnect', 'keychain_unavailable', 'the OS keychain is not available: locked');
    await user.click(screen.getByTestId('account-disconnect'));
    await user.click(screen.getByTestId('account-disconnect-confirm'));
    const confirm = screen.getByRole('dialog', { name: 'Disconnect @democreator?' });
    expect(await within(confirm).findByTestId('error-banner')).toHaveTextContent('the OS keychain is not available: locked');
    expect(rows()).toHaveLength(1);
  });
});
