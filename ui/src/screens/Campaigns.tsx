/** Campaigns: list, filter, create, edit, archive and (soft) delete. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { toApiError, useBackend, type Campaign } from '../backend';
import { CampaignForm } from '../components/CampaignForm';
import { CampaignList, filterCampaigns } from '../components/CampaignList';
import { CampaignMoney } from '../components/CampaignMoney';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { ScreenHeader } from '../components/ScreenHeader';
import { queryKeys, useCampaignList } from '../queries';
import { isTypingTarget } from '../shortcuts';

type Editing = { mode: 'new' } | { mode: 'edit'; campaign: Campaign } | null;

export function Campaigns() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Campaign | null>(null);
  const [money, setMoney] = useState<Campaign | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const list = useCampaignList(showArchived);
  const filterId = useId();

  // "n" opens the New campaign form, unless the user is typing or a dialog is open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'n' || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (isTypingTarget(e.target) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setEditing({ mode: 'new' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.campaigns });

  const archive = useMutation({
    mutationFn: (c: Campaign) => backend.campaignArchive(c.id, !c.archived),
    onMutate: () => setActionError(null),
    onSuccess: invalidate,
    onError: (err) => setActionError(toApiError(err).message),
  });

  const remove = useMutation({
    mutationFn: (c: Campaign) => backend.campaignDelete(c.id),
    onSuccess: async () => {
      await invalidate();
      setDeleting(null);
    },
  });

  const campaigns = list.data ?? [];
  const visible = filterCampaigns(campaigns, filter);
  const busyId = archive.isPending ? archive.variables.id : remove.isPending ? remove.variables.id : null;

  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <>
      <ScreenHeader
        title="Campaigns"
        subtitle="Plan what you publish, for whom, and on what budget."
        actions={
          <button type="button" className="btn btn-primary" data-testid="campaign-new" aria-keyshortcuts="N" onClick={() => setEditing({ mode: 'new' })}>
            New campaign <kbd className="kbd-hint">N</kbd>
          </button>
        }
      />

      <div className="toolbar" role="search">
        <label htmlFor={filterId} className="sr-only">
          Filter campaigns
        </label>
        <input id={filterId} type="search" className="input-search" placeholder="Filter campaigns…" value={filter}
          onChange={(e) => setFilter(e.target.value)} data-testid="campaign-filter" />
        <label className="toggle">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} data-testid="campaign-show-archived" />
          Show archived
        </label>
      </div>

      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}

      {list.isPending ? (
        <p className="state-message" role="status">
          Loading campaigns…
        </p>
      ) : list.isError ? (
        <ErrorBanner message={`Could not load campaigns: ${toApiError(list.error).message}`} onRetry={() => void list.refetch()} />
      ) : campaigns.length === 0 ? (
        <section className="card empty-state" aria-labelledby="campaigns-empty">
          <h2 id="campaigns-empty">{showArchived ? 'No campaigns yet' : 'No active campaigns'}</h2>
          <p className="muted">A campaign groups posts around one goal: a launch, a series, a sponsor deal.</p>
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
            Create a campaign
          </button>
        </section>
      ) : visible.length === 0 ? (
        <p className="state-message" role="status">
          No campaigns match “{filter.trim()}”.
        </p>
      ) : (
        <CampaignList
          campaigns={visible}
          busyId={busyId}
          onEdit={(c) => setEditing({ mode: 'edit', campaign: c })}
          onArchive={(c) => archive.mutate(c)}
          onDelete={(c) => setDeleting(c)}
          onMoney={(c) => setMoney(c)}
        />
      )}

      {editing && (
        <Dialog title={editing.mode === 'new' ? 'New campaign' : 'Edit campaign'} onClose={() => setEditing(null)} testId="campaign-dialog">
          <CampaignForm
            campaign={editing.mode === 'edit' ? editing.campaign : undefined}
            onSaved={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}

      {money && (
        <Dialog title={`Money · ${money.name}`} description="Revenue, costs and ROI; imports and the sponsor report." size="wide"
          onClose={() => setMoney(null)} testId="money-dialog">
          <CampaignMoney campaign={money} />
          <footer className="dialog-footer">
            <button type="button" className="btn btn-ghost" onClick={() => setMoney(null)} data-testid="money-close">
              Close
            </button>
          </footer>
        </Dialog>
      )}

      {deleting && (
        <ConfirmDialog
          title="Delete campaign?"
          confirmLabel="Delete"
          pendingLabel="Deleting…"
          confirmTestId="campaign-delete-confirm"
          pending={remove.isPending}
          error={remove.isError ? toApiError(remove.error).message : null}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={closeDelete}
        >
          “{deleting.name}” will be removed from your campaigns.
        </ConfirmDialog>
      )}
    </>
  );
}
