/**
 * Accounts: one card per platform with how it signs in, the accounts connected there and their
 * status, and Connect / Reconnect / Disconnect. Connecting opens the guided setup
 * (ConnectDialog); disconnecting asks first, then says whether the platform revoked the access.
 * "Score model" shows how well the viral score knows each account (ModelCard).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toApiError, useBackend, type AccountView, type Disconnected, type PlatformView } from '../backend';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ConnectDialog } from '../components/ConnectDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { ModelDialog } from '../components/ModelCard';
import { ScreenHeader } from '../components/ScreenHeader';
import { SlotsDialog } from '../components/SlotsDialog';
import { BLUESKY_DEFAULT_SERVER, limitsSummary, signInSummary, statusLabel } from '../lib/connectForm';
import { queryKeys, useAccountPlatforms, useAccounts } from '../queries';

type Connecting = { platform: PlatformView; account?: AccountView } | null;
type Notice = { kind: 'connected' | 'disconnected' | 'slots'; text: string } | null;

/** "could not revoke (…)" → "Could not revoke (…)." */
function sentence(text: string): string {
  const t = text.trim();
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function disconnectedText(a: AccountView, d: Disconnected): string {
  const head = `Disconnected ${a.handle} from ${a.platform_name}.`;
  if (d.note) return `${head} ${sentence(d.note)}`;
  return d.revoked ? `${head} ${a.platform_name} revoked Viral Studio’s access.` : head;
}

export function Accounts() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const platforms = useAccountPlatforms();
  const accounts = useAccounts();
  const [connecting, setConnecting] = useState<Connecting>(null);
  const [disconnecting, setDisconnecting] = useState<AccountView | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [slotsFor, setSlotsFor] = useState<AccountView | null>(null);
  const [modelFor, setModelFor] = useState<AccountView | null>(null);

  const remove = useMutation({
    mutationFn: (a: AccountView) => backend.accountDisconnect(a.id),
    onSuccess: async (result, a) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.accounts });
      setDisconnecting(null);
      setNotice({ kind: 'disconnected', text: disconnectedText(a, result) });
    },
  });

  const closeDisconnect = () => {
    setDisconnecting(null);
    remove.reset();
  };

  const connected = (a: AccountView) => {
    setConnecting(null);
    setNotice({ kind: 'connected', text: `Connected ${a.handle} on ${a.platform_name}.` });
  };

  const list = accounts.data ?? [];
  const count = list.length;
  return (
    <>
      <ScreenHeader
        title="Accounts"
        subtitle="The accounts you publish to. Sign-ins stay in your system keychain; only you can see them."
      />

      {notice && (
        <div className="banner banner-info" role="status" data-testid="account-notice" data-kind={notice.kind}>
          <span className="banner-message">
            <Icon name="check" /> {notice.text}
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setNotice(null)} data-testid="account-notice-dismiss">
              Dismiss
            </button>
          </span>
        </div>
      )}

      {accounts.isError && (
        <ErrorBanner message={`Could not load your accounts: ${toApiError(accounts.error).message}`} onRetry={() => void accounts.refetch()} />
      )}

      {platforms.isPending ? (
        <p className="state-message" role="status">
          Loading platforms…
        </p>
      ) : platforms.isError ? (
        <ErrorBanner message={`Could not load the platforms: ${toApiError(platforms.error).message}`} onRetry={() => void platforms.refetch()} />
      ) : (
        <div className="accounts">
          <p className="muted accounts-count" role="status" data-testid="accounts-count">
            {accounts.isPending ? 'Loading accounts…' : count === 0 ? 'No accounts connected yet.' : count === 1 ? '1 account connected' : `${count} accounts connected`}
          </p>
          <div className="accounts-grid" data-testid="accounts-grid">
            {platforms.data.map((p) => (
              <PlatformCard key={p.id} platform={p} accounts={list.filter((a) => a.platform === p.id)}
                busyId={remove.isPending ? remove.variables.id : null}
                onConnect={(account) => setConnecting({ platform: p, account })} onDisconnect={setDisconnecting} onSlots={setSlotsFor}
                onModel={setModelFor} />
            ))}
          </div>
        </div>
      )}

      {connecting && (
        <ConnectDialog platform={connecting.platform} account={connecting.account}
          hasAccounts={list.some((a) => a.platform === connecting.platform.id)} onClose={() => setConnecting(null)} onConnected={connected} />
      )}

      {modelFor && <ModelDialog account={modelFor} onClose={() => setModelFor(null)} />}

      {slotsFor && (
        <SlotsDialog account={slotsFor} onClose={() => setSlotsFor(null)}
          onSaved={(n) => {
            setNotice({ kind: 'slots', text: `${slotsFor.handle}: ${n === 0 ? 'no posting slots' : n === 1 ? '1 posting slot a week' : `${n} posting slots a week`}.` });
            setSlotsFor(null);
          }} />
      )}

      {disconnecting && (
        <ConfirmDialog
          title={`Disconnect ${disconnecting.handle}?`}
          confirmLabel="Disconnect"
          pendingLabel="Disconnecting…"
          confirmTestId="account-disconnect-confirm"
          pending={remove.isPending}
          error={remove.isError ? toApiError(remove.error).message : null}
          onConfirm={() => remove.mutate(disconnecting)}
          onCancel={closeDisconnect}
        >
          Viral Studio forgets this sign-in and asks {disconnecting.platform_name} to revoke its access where it can. Posts scheduled for this
          account will not go out.
        </ConfirmDialog>
      )}
    </>
  );
}

type CardProps = {
  platform: PlatformView;
  accounts: AccountView[];
  busyId: string | null;
  onConnect: (account?: AccountView) => void;
  onDisconnect: (account: AccountView) => void;
  onSlots: (account: AccountView) => void;
  onModel: (account: AccountView) => void;
};

function PlatformCard({ platform: p, accounts, busyId, onConnect, onDisconnect, onSlots, onModel }: CardProps) {
  const headingId = `platform-${p.id}-name`;
  return (
    <article className="card platform-card" data-testid="platform-card" data-platform={p.id} data-available={p.available}
      aria-labelledby={headingId}>
      <header className="platform-card-head">
        <span className={`platform-mark platform-mark-${p.id}`} aria-hidden="true">
          {p.name.charAt(0)}
        </span>
        <div className="platform-card-title">
          <h2 id={headingId} data-testid="platform-name">
            {p.name}
          </h2>
          <p className="muted" data-testid="platform-auth">
            {signInSummary(p)}
          </p>
        </div>
      </header>
      <p className="platform-limits muted">{limitsSummary(p)}</p>
      {p.needs_media_relay && (
        <p className="platform-relay" data-testid="platform-relay-note">
          <Icon name="warning" />
          <span>Needs a team server to publish ({p.name} fetches videos from a public link)</span>
        </p>
      )}

      {accounts.length > 0 ? (
        <ul className="account-list" aria-label={`${p.name} accounts`}>
          {accounts.map((a) => (
            <AccountRow key={a.id} account={a} available={p.available} busy={busyId === a.id} onReconnect={() => onConnect(a)}
              onDisconnect={() => onDisconnect(a)} onSlots={() => onSlots(a)} onModel={() => onModel(a)} />
          ))}
        </ul>
      ) : (
        <p className="platform-empty muted" data-testid="platform-empty">
          No account connected.
        </p>
      )}

      <footer className="platform-card-foot">
        {p.available ? (
          <button type="button" className={`btn btn-small ${accounts.length === 0 ? 'btn-primary' : ''}`} onClick={() => onConnect()}
            data-testid="platform-connect" aria-label={accounts.length === 0 ? `Connect ${p.name}` : `Connect another ${p.name} account`}>
            {accounts.length === 0 ? 'Connect' : 'Connect another'}
          </button>
        ) : (
          <span className="badge badge-neutral" data-testid="platform-unavailable">
            Not available in this build yet
          </span>
        )}
      </footer>
    </article>
  );
}

type RowProps = {
  account: AccountView;
  available: boolean;
  busy: boolean;
  onReconnect: () => void;
  onDisconnect: () => void;
  onSlots: () => void;
  onModel: () => void;
};

function AccountRow({ account: a, available, busy, onReconnect, onDisconnect, onSlots, onModel }: RowProps) {
  const server = a.instance_url && a.instance_url !== BLUESKY_DEFAULT_SERVER && !a.handle.includes('@' + hostOf(a.instance_url)) ? hostOf(a.instance_url) : null;
  const detail = [a.display_name !== a.handle ? a.display_name : null, server].filter(Boolean).join(' · ');
  const urgent = a.status === 'needs_reconnect' || a.status === 'expiring';
  return (
    <li className="account-row" data-testid="account-row" data-account-id={a.id} data-status={a.status}>
      <div className="account-who">
        <span className="account-handle" data-testid="account-handle">
          {a.handle}
        </span>
        {detail && <span className="account-detail muted">{detail}</span>}
      </div>
      <span className={`badge account-status is-${a.status}`} data-testid="account-status" data-status={a.status}
        title={a.token_expires_at && a.status === 'expiring' ? `The sign-in runs out on ${new Date(a.token_expires_at).toLocaleString()}` : undefined}>
        {statusLabel(a)}
      </span>
      <div className="account-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={onSlots} disabled={busy} data-testid="account-slots"
          aria-label={`Posting slots for ${a.handle}`}>
          Posting slots
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onModel} disabled={busy} data-testid="account-model"
          aria-label={`How well the score knows ${a.handle}`}>
          Score model
        </button>
        {available && (
          <button type="button" className={`btn btn-small ${urgent ? 'btn-primary' : 'btn-ghost'}`} onClick={onReconnect} disabled={busy}
            data-testid="account-reconnect" aria-label={`Reconnect ${a.handle}`}>
            Reconnect
          </button>
        )}
        <button type="button" className="btn btn-small btn-ghost btn-danger-ghost" onClick={onDisconnect} disabled={busy}
          data-testid="account-disconnect" aria-label={`Disconnect ${a.handle}`}>
          {busy ? 'Disconnecting…' : 'Disconnect'}
        </button>
      </div>
    </li>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
