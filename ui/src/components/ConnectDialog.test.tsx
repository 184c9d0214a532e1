import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView, Backend, ConnectRequest, PlatformView, ProgressEvent } from '../backend';
import { BackendError } from '../backend/errors';
import { createMemoryBackend } from '../backend/memory';
import { MEMORY_PLATFORMS } from '../backend/memoryAccounts';
import { renderWithBackend } from '../test/render';
import { ConnectDialog } from './ConnectDialog';

const platform = (id: string): PlatformView => MEMORY_PLATFORMS.find((p) => p.id === id)!;

type Call = { jobId: string; request: ConnectRequest; onProgress: (p: ProgressEvent) => void; finish: (a: AccountView) => void; fail: (e: unknown) => void };

/** Sign-ins wait until the test ends them; jobCancel ends one as cancelled. */
function gated() {
  const calls: Call[] = [];
  const backend: Backend = {
    ...createMemoryBackend(),
    accountConnect: (jobId, request, onProgress) => new Promise<AccountView>((finish, fail) => calls.push({ jobId, request, onProgress, finish, fail })),
  };
  const jobCancel = vi.spyOn(backend, 'jobCancel').mockImplementation(async (jobId) => {
    calls.find((c) => c.jobId === jobId)?.fail(new BackendError('cancelled', 'Cancelled.'));
    return true;
  });
  return { backend, calls, jobCancel };
}

const connected = (over: Partial<AccountView> = {}): AccountView => ({
  id: 'acct-x', platform: 'x', platform_name: 'X', instance_url: null, handle: '@democreator', display_name: 'Demo', status: 'connected',
  auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z', ...over,
});

function open(backend: Backend, id: string, extra: { hasAccounts?: boolean; account?: AccountView } = {}) {
  const user = userEvent.setup();
  const onClose = vi.fn();
  const onConnected = vi.fn();
  renderWithBackend(
    <ConnectDialog platform={platform(id)} account={extra.account} hasAccounts={extra.hasAccounts ?? false} onClose={onClose} onConnected={onConnected} />,
    backend,
  );
  return { user, onClose, onConnected };
}

describe('Connect dialog: OAuth', () => {
  it('shows the guided setup: steps, redirect URI to copy, scopes, registration page, fields', async () => {
    const { user } = open(createMemoryBackend(), 'linkedin');
    const dialog = screen.getByTestId('connect-dialog');
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('Connect LinkedIn');
    expect(screen.getAllByTestId('connect-step')).toHaveLength(3);
    expect(screen.getByTestId('connect-steps').tagName).toBe('OL');
    expect(screen.getByTestId('connect-redirect-uri')).toHaveValue('http://127.0.0.1/callback');
    expect(screen.getByTestId('connect-any-port')).toHaveTextContent('Any port works');
    expect(screen.getAllByTestId('connect-scope').map((s) => s.textContent)).toEqual(['openid', 'profile', 'w_member_social']);
    expect(screen.getByTestId('connect-register-url')).toHaveValue('https://www.linkedin.com/developers/apps');
    expect(screen.getByTestId('connect-client-id')).toHaveFocus();
    expect(screen.getByTestId('connect-client-secret')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText(/Client secret/)).toHaveAttribute('aria-required', 'true');
    expect(screen.queryByTestId('connect-relay-note')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('connect-redirect-uri-copy'));
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.1/callback');
    expect(screen.getByTestId('connect-redirect-uri-copy')).toHaveTextContent('Copied');
  });

  it('fixed-port platforms: exact redirect, no secret field when none; relay note for Instagram', () => {
    open(createMemoryBackend(), 'x');
    expect(screen.getByTestId('connect-redirect-uri')).toHaveValue('http://127.0.0.1:8757/callback');
    expect(screen.queryByTestId('connect-any-port')).not.toBeInTheDocument();
    expect(screen.queryByTestId('connect-client-secret')).not.toBeInTheDocument();
  });

  it('Instagram says it needs a team server', () => {
    open(createMemoryBackend(), 'instagram');
    expect(screen.getByTestId('connect-relay-note')).toHaveTextContent('Needs a team server to publish (Instagram fetches videos from a public link)');
  });

  it('checks the client id and a required secret before signing in', async () => {
    const { backend, calls } = gated();
    const { user } = open(backend, 'tiktok');
    await user.click(screen.getByTestId('connect-submit'));
    expect(screen.getByTestId('error-connect-client-id')).toHaveTextContent('Paste your TikTok app’s client ID.');
    expect(screen.getByTestId('connect-client-id')).toHaveFocus();
    await user.type(screen.getByTestId('connect-client-id'), 'my-key');
    expect(screen.queryByTestId('error-connect-client-id')).not.toBeInTheDocument();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('error-connect-client-secret')).toHaveTextContent('TikTok needs the app’s client secret too.');
    expect(screen.getByTestId('connect-client-secret')).toHaveFocus();
    expect(calls).toHaveLength(0);
  });

  it('waits for the browser with the sign-in link and Cancel; cancelling keeps the form, not the secret', async () => {
    const { backend, calls, jobCancel } = gated();
    const { user, onClose } = open(backend, 'linkedin');
    await user.type(screen.getByTestId('connect-client-id'), 'my-linkedin-app');
    await user.type(screen.getByTestId('connect-client-secret'), 'top-secret');
    await user.keyboard('{Enter}'); // Enter submits
    await waitFor(() => expect(calls).toHaveLength(1));
    const call = calls[0]!;
    expect(call.request).toEqual({
      platform: 'linkedin', client_id: 'my-linkedin-app', client_secret: 'top-secret', instance: null, handle: null, app_password: null, access_token: null,
    });

    expect(screen.getByTestId('connect-waiting')).toHaveAttribute('data-stage', 'signing-in');
    expect(screen.getByTestId('connect-cancel')).toHaveFocus();
    expect(screen.getByTestId('connect-progress')).toHaveAttribute('role', 'progressbar');
    act(() => call.onProgress({ item: 'https://www.linkedin.com/oauth/v2/authorization?client_id=my-linkedin-app', stage: 'browser', done: 0, total: 1, fraction: null }));
    expect(screen.getByTestId('connect-waiting')).toHaveAttribute('data-stage', 'browser');
    expect(screen.getByTestId('connect-waiting-title')).toHaveTextContent('Waiting for you to finish in the browser…');
    expect(screen.getByTestId('connect-signin-url')).toHaveValue('https://www.linkedin.com/oauth/v2/authorization?client_id=my-linkedin-app');
    await user.click(screen.getByTestId('connect-signin-url-copy'));
    expect(await navigator.clipboard.readText()).toContain('linkedin.com/oauth');

    await user.click(screen.getByTestId('connect-cancel'));
    expect(jobCancel).toHaveBeenCalledWith(call.jobId);
    expect(await screen.findByTestId('connect-cancelled')).toHaveTextContent('Sign-in cancelled. Nothing was connected.');
    expect(screen.getByTestId('connect-client-id')).toHaveValue('my-linkedin-app');
    expect(screen.getByTestId('connect-client-secret')).toHaveValue('');
    expect(onClose).not.toHaveBeenCalled();
    expect(document.body.textContent).not.toContain('top-secret');
  });

  it('a declined sign-in shows in the banner by code; success reports the account', async () => {
    const { backend, calls } = gated();
    const { user, onConnected } = open(backend, 'x');
    await user.type(screen.getByTestId('connect-client-id'), 'deny-app');
    await user.click(screen.getByTestId('connect-submit'));
    await waitFor(() => expect(calls).toHaveLength(1));
    act(() => calls[0]!.fail(new BackendError('auth_failed', 'sign-in did not finish: you declined access in the browser')));
    const banner = await screen.findByTestId('connect-error');
    expect(banner).toHaveAttribute('data-code', 'auth_failed');
    expect(banner).toHaveTextContent('The sign-in did not go through. sign-in did not finish: you declined access in the browser');
    expect(screen.getByTestId('connect-client-id')).toHaveValue('deny-app');

    await user.clear(screen.getByTestId('connect-client-id'));
    await user.type(screen.getByTestId('connect-client-id'), 'good-app');
    await user.click(screen.getByTestId('connect-submit'));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(screen.queryByTestId('connect-error')).not.toBeInTheDocument();
    const account = connected();
    act(() => calls[1]!.finish(account));
    await waitFor(() => expect(onConnected).toHaveBeenCalledWith(account));
  });

  it('Escape while waiting cancels the sign-in and closes', async () => {
    const { backend, calls, jobCancel } = gated();
    const { user, onClose } = open(backend, 'youtube');
    await user.type(screen.getByTestId('connect-client-id'), 'yt-app{Enter}');
    await waitFor(() => expect(calls).toHaveLength(1));
    // What the browser does on Escape in a modal <dialog> (jsdom does not).
    fireEvent(screen.getByTestId('connect-dialog'), new Event('cancel', { cancelable: true }));
    expect(jobCancel).toHaveBeenCalledWith(calls[0]!.jobId);
    expect(onClose).toHaveBeenCalled();
  });

  it('reconnecting may leave the client id empty (the app is remembered)', async () => {
    const { backend, calls } = gated();
    const { user } = open(backend, 'tiktok', { hasAccounts: true, account: connected({ platform: 'tiktok', handle: 'democreator' }) });
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Reconnect democreator');
    expect(screen.getByTestId('connect-client-id')).not.toHaveAttribute('aria-required', 'true');
    await user.click(screen.getByTestId('connect-submit'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.request).toMatchObject({ platform: 'tiktok', client_id: null, client_secret: null });
  });
});

describe('Connect dialog: Mastodon and Bluesky', () => {
  it('Mastodon: an insecure server shows at the field, the form keeps its values', async () => {
    const { user } = open(createMemoryBackend(), 'mastodon');
    expect(screen.getByTestId('connect-instance')).toHaveFocus();
    expect(screen.queryByTestId('connect-client-id')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('connect-submit'));
    expect(screen.getByTestId('error-connect-instance')).toHaveTextContent('Enter your server');

    await user.type(screen.getByTestId('connect-instance'), 'http://mastodon.example');
    await user.click(screen.getByTestId('connect-submit'));
    expect(await screen.findByTestId('error-connect-instance')).toHaveTextContent('is not https');
    expect(screen.getByTestId('connect-instance')).toHaveValue('http://mastodon.example');
    expect(screen.getByTestId('connect-instance')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('connect-instance')).toHaveFocus();
    // Editing the field clears the backend's error.
    await user.clear(screen.getByTestId('connect-instance'));
    expect(screen.queryByTestId('error-connect-instance')).not.toBeInTheDocument();
  });

  it('Mastodon with a pasted token: a refused token shows at the token field and is cleared', async () => {
    const { user, onConnected } = open(createMemoryBackend(), 'mastodon');
    await user.type(screen.getByTestId('connect-instance'), 'mastodon.social');
    expect(screen.queryByTestId('connect-access-token')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('connect-use-token'));
    expect(screen.getByTestId('connect-access-token')).toHaveAttribute('type', 'password');
    expect(screen.getByTestId('connect-submit')).toHaveTextContent('Connect');
    await user.type(screen.getByTestId('connect-access-token'), 'wrong');
    await user.click(screen.getByTestId('connect-submit'));
    expect(await screen.findByTestId('error-connect-access-token')).toHaveTextContent('refused the access token');
    expect(screen.getByTestId('connect-access-token')).toHaveValue('');
    await user.type(screen.getByTestId('connect-access-token'), 'good-token{Enter}');
    await waitFor(() => expect(onConnected).toHaveBeenCalledWith(expect.objectContaining({ handle: '@democreator@mastodon.social', auth_mode: 'access_token' })));
  });

  it('Bluesky: handle, app password (never shown again) and an optional server', async () => {
    const backend = createMemoryBackend();
    const connect = vi.spyOn(backend, 'accountConnect');
    const { user, onConnected } = open(backend, 'bluesky');
    expect(screen.getByTestId('connect-handle')).toHaveFocus();
    expect(screen.getByTestId('connect-app-password')).toHaveAttribute('type', 'password');
    expect(screen.getByTestId('connect-instance')).toHaveAttribute('placeholder', 'https://bsky.social');
    expect(screen.getByTestId('connect-register-url')).toHaveValue('https://bsky.app/settings/app-passwords');
    await user.click(screen.getByTestId('connect-submit'));
    expect(screen.getByTestId('error-connect-handle')).toBeInTheDocument();
    expect(screen.getByTestId('error-connect-app-password')).toBeInTheDocument();

    await user.type(screen.getByTestId('connect-handle'), '@me.bsky.social');
    await user.type(screen.getByTestId('connect-app-password'), 'wrong');
    await user.click(screen.getByTestId('connect-submit'));
    expect(await screen.findByTestId('error-connect-app-password')).toHaveTextContent('Invalid identifier or password');
    expect(screen.getByTestId('connect-app-password')).toHaveValue('');
    expect(screen.getByTestId('connect-handle')).toHaveValue('@me.bsky.social');

    await user.type(screen.getByTestId('connect-instance'), 'http://pds.example');
    await user.type(screen.getByTestId('connect-app-password'), 'abcd-efgh');
    await user.click(screen.getByTestId('connect-submit'));
    expect(await screen.findByTestId('error-connect-instance')).toHaveTextContent('is not https');
    expect(screen.getByTestId('connect-app-password')).toHaveValue('');

    await user.clear(screen.getByTestId('connect-instance'));
    await user.type(screen.getByTestId('connect-app-password'), 'abcd-efgh');
    await user.click(screen.getByTestId('connect-submit'));
    await waitFor(() => expect(onConnected).toHaveBeenCalledWith(expect.objectContaining({ platform: 'bluesky', handle: '@me.bsky.social' })));
    expect(connect).toHaveBeenLastCalledWith(expect.any(String), expect.objectContaining({ handle: 'me.bsky.social', app_password: 'abcd-efgh', instance: null }), expect.any(Function));
  });
});
