/** The Library's filters (kind, campaign, search), the import mode, and the "Add by path" form. */
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { AssetKind } from '../backend';
import { useCampaignList } from '../queries';
import { Icon } from './Icon';
import { useImport } from './ImportProvider';

const KINDS: { value: AssetKind | null; id: string; label: string }[] = [
  { value: null, id: 'all', label: 'All' },
  { value: 'video', id: 'video', label: 'Video' },
  { value: 'image', id: 'image', label: 'Image' },
  { value: 'audio', id: 'audio', label: 'Audio' },
];

type Props = {
  kind: AssetKind | null;
  onKind: (kind: AssetKind | null) => void;
  campaignId: string | null;
  onCampaign: (id: string | null) => void;
  search: string;
  onSearch: (text: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
};

export function LibraryToolbar({ kind, onKind, campaignId, onCampaign, search, onSearch, searchRef }: Props) {
  const campaigns = useCampaignList(false);
  const { reference, setReference } = useImport();
  const ids = useId();
  const list = campaigns.data ?? [];
  // Keep a selected campaign listed even after it was archived elsewhere.
  const selectedMissing = campaignId !== null && campaigns.isSuccess && !list.some((c) => c.id === campaignId);

  return (
    <div className="toolbar library-toolbar">
      <fieldset className="plain-fieldset">
        <legend className="sr-only">Kind</legend>
        <div className="segmented segmented-compact">
          {KINDS.map((k) => (
            <label key={k.id} className="segment">
              <input type="radio" name={`${ids}-kind`} checked={kind === k.value} onChange={() => onKind(k.value)}
                data-testid={`asset-filter-kind-${k.id}`} />
              <span>{k.label}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <label htmlFor={`${ids}-campaign`} className="sr-only">
        Campaign
      </label>
      <select id={`${ids}-campaign`} className="select" value={campaignId ?? ''} data-testid="asset-filter-campaign"
        onChange={(e) => onCampaign(e.target.value === '' ? null : e.target.value)}>
        <option value="">All campaigns</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
        {selectedMissing && <option value={campaignId}>(archived campaign)</option>}
      </select>

      <div className="search-field" role="search">
        <label htmlFor={`${ids}-search`} className="sr-only">
          Search by file name
        </label>
        <input id={`${ids}-search`} ref={searchRef} type="search" className="input-search" placeholder="Search by file name…"
          value={search} onChange={(e) => onSearch(e.target.value)} data-testid="asset-search" aria-keyshortcuts="/" />
      </div>

      <fieldset className="plain-fieldset toolbar-end" title="How new imports are stored">
        <legend className="sr-only">When importing</legend>
        <div className="segmented segmented-compact">
          <label className="segment" title="Copy files into the library folder: safe if the originals move or are deleted">
            <input type="radio" name={`${ids}-mode`} checked={!reference} onChange={() => setReference(false)} data-testid="import-mode-copy" />
            <span>Copy into library</span>
          </label>
          <label className="segment" title="Leave files where they are and use them in place: saves disk space">
            <input type="radio" name={`${ids}-mode`} checked={reference} onChange={() => setReference(true)} data-testid="import-mode-reference" />
            <span>Use in place</span>
          </label>
        </div>
      </fieldset>
    </div>
  );
}

/** Paths typed or pasted, one per line (quotes from "Copy as path" are removed). */
export function parsePaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^(['"])(.*)\1$/, '$2').trim())
    .filter((line) => line !== '');
}

export function PathImportForm({ id, onClose }: { id: string; onClose: () => void }) {
  const { importPaths } = useImport();
  const [text, setText] = useState('');
  const [empty, setEmpty] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const paths = parsePaths(text);
  useEffect(() => input.current?.focus(), []);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setEmpty(paths.length === 0);
    if (paths.length === 0) return;
    importPaths(paths);
    setText('');
  };

  return (
    <form id={id} className="card path-form" onSubmit={submit} aria-label="Add by path">
      <div className="field">
        <label htmlFor={`${id}-input`}>File or folder paths</label>
        <textarea ref={input} id={`${id}-input`} rows={3} value={text} data-testid="import-path" className="path-input"
          spellCheck={false} autoComplete="off" aria-invalid={empty} aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setText(e.target.value);
            setEmpty(false);
          }}
          placeholder={'/home/me/Videos/clip.mp4\n/home/me/Footage'}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
            if (e.key === 'Escape') onClose();
          }} />
        {empty ? (
          <p id={`${id}-hint`} className="field-error" data-testid="error-import-path">
            Enter at least one file or folder path.
          </p>
        ) : (
          <p id={`${id}-hint`} className="field-hint">
            One path per line. Folders are searched for media. Ctrl+Enter imports.
          </p>
        )}
      </div>
      <div className="path-form-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Close
        </button>
        <button type="submit" className="btn btn-primary" data-testid="import-path-submit">
          <Icon name="upload" />
          {paths.length > 1 ? `Import ${paths.length} paths` : 'Import'}
        </button>
      </div>
    </form>
  );
}
