/** Library: every imported video, image and sound; filters, import, and a detail view. */
import { useEffect, useId, useRef, useState } from 'react';
import { toApiError, useBackend, type Asset, type AssetKind } from '../backend';
import { AssetDetail } from '../components/AssetDetail';
import { AssetGrid } from '../components/AssetGrid';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { useImport } from '../components/ImportProvider';
import { LibraryToolbar, PathImportForm } from '../components/LibraryToolbar';
import { ScreenHeader } from '../components/ScreenHeader';
import { useDebounced } from '../lib/useDebounced';
import { useAssetList } from '../queries';
import { isTypingTarget } from '../shortcuts';

export function Library() {
  const backend = useBackend();
  const { importPaths, setTargetCampaign, reference, state: importState } = useImport();
  const [kind, setKind] = useState<AssetKind | null>(null);
  const [campaignId, setCampaignId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [showPaths, setShowPaths] = useState(false);
  const [opened, setOpened] = useState<{ id: string; initial?: Asset } | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const pathFormId = useId();
  const searchText = useDebounced(search.trim(), 250);
  const list = useAssetList({ kind, campaign_id: campaignId, search: searchText === '' ? null : searchText });
  const filtered = kind !== null || campaignId !== null || searchText !== '';

  // What the user is looking at is where new imports go.
  useEffect(() => {
    setTargetCampaign(campaignId);
    return () => setTargetCampaign(null);
  }, [campaignId, setTargetCampaign]);

  const pick = async (what: 'files' | 'folder') => {
    setPickError(null);
    try {
      const paths = what === 'files' ? await backend.pickMediaFiles() : [await backend.pickFolder()].filter((p) => p !== null);
      importPaths(paths);
    } catch (err) {
      setPickError(`Could not open the ${what === 'files' ? 'file' : 'folder'} picker: ${toApiError(err).message}`);
    }
  };

  // "i" imports files, "/" jumps to search; not while typing or with a dialog open.
  const pickRef = useRef(pick);
  useEffect(() => {
    pickRef.current = pick;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (isTypingTarget(e.target) || document.querySelector('dialog[open]')) return;
      if (e.key === 'i') void pickRef.current('files');
      else if (e.key === '/') searchRef.current?.focus();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const clearFilters = () => {
    setKind(null);
    setCampaignId(null);
    setSearch('');
  };

  // The header's buttons keep their test ids; the empty state's copies get an "empty-" prefix.
  const importButtons = (prefix = '') => (
    <>
      <button type="button" className="btn" data-testid={`${prefix}import-folder`} onClick={() => void pick('folder')}>
        <Icon name="folder" />
        Import folder…
      </button>
      <button type="button" className="btn btn-primary" data-testid={`${prefix}import-files`} onClick={() => void pick('files')}
        aria-keyshortcuts="I">
        <Icon name="upload" />
        Import files… <kbd className="kbd-hint">I</kbd>
      </button>
    </>
  );

  const assets = list.data ?? [];
  return (
    <>
      <ScreenHeader
        title="Library"
        subtitle="Your footage, pictures and sound: imported once, ready to cut."
        actions={
          <>
            <button type="button" className="btn btn-ghost" data-testid="import-path-toggle" aria-expanded={showPaths}
              aria-controls={pathFormId} onClick={() => setShowPaths((v) => !v)}>
              <Icon name="path" />
              Add by path
            </button>
            {importButtons()}
          </>
        }
      />

      {showPaths && <PathImportForm id={pathFormId} onClose={() => setShowPaths(false)} />}

      <LibraryToolbar kind={kind} onKind={setKind} campaignId={campaignId} onCampaign={setCampaignId}
        search={search} onSearch={setSearch} searchRef={searchRef} />

      {pickError && <ErrorBanner message={pickError} onDismiss={() => setPickError(null)} />}

      {list.isPending ? (
        <p className="state-message" role="status">
          Loading the library…
        </p>
      ) : list.isError ? (
        <ErrorBanner message={`Could not load the library: ${toApiError(list.error).message}`} onRetry={() => void list.refetch()} />
      ) : assets.length === 0 && !filtered ? (
        <section className="library-empty" data-testid="library-empty" aria-labelledby="library-empty-title">
          <div className="library-empty-art" aria-hidden="true">
            <span className="art-tile art-video"><Icon name="video" size={30} /></span>
            <span className="art-tile art-image"><Icon name="image" size={30} /></span>
            <span className="art-tile art-audio"><Icon name="audio" size={30} /></span>
          </div>
          <h2 id="library-empty-title">Drop videos, images or audio here</h2>
          <p className="muted">
            Drag files or whole folders from your desktop onto this window, or choose them.{' '}
            {reference ? 'They will be used where they are.' : 'They are copied into your library, so the originals can move.'}
          </p>
          <div className="library-empty-actions">{importButtons('empty-')}</div>
          {importState.phase === 'running' && <p className="muted">Importing… new items appear here as soon as they are ready.</p>}
        </section>
      ) : assets.length === 0 ? (
        <div className="state-message" role="status">
          <p>No assets match these filters.</p>
          <button type="button" className="btn btn-small" onClick={clearFilters} data-testid="asset-filter-clear">
            Clear filters
          </button>
        </div>
      ) : (
        <div className="library-results">
          <p className="library-count muted" role="status" data-testid="asset-count">
            {assets.length === 1 ? '1 item' : `${assets.length} items`}
            {filtered && (assets.length === 1 ? ' matches these filters' : ' match these filters')}
          </p>
          <AssetGrid assets={assets} onOpen={(a) => setOpened({ id: a.id, initial: a })} />
        </div>
      )}

      {opened && <AssetDetail assetId={opened.id} initial={opened.initial} onClose={() => setOpened(null)} />}
    </>
  );
}
