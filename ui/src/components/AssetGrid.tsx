/**
 * The Library's grid of asset cards. Each card is a button (Tab reaches it,
 * Enter or Space opens it); arrow keys, Home and End move between cards.
 */
import { useState, type KeyboardEvent } from 'react';
import { useBackend, type Asset } from '../backend';
import { KIND_LABELS, formatBytes, formatDuration, formatResolution } from '../lib/media';
import { Icon } from './Icon';

type Props = { assets: Asset[]; onOpen: (asset: Asset) => void };

export function AssetGrid({ assets, onOpen }: Props) {
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const cards = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-testid="asset-card"]')];
    const i = cards.indexOf(document.activeElement as HTMLElement);
    if (i < 0) return;
    const top = cards[0]?.offsetTop;
    const perRow = Math.max(1, cards.filter((c) => c.offsetTop === top).length);
    const target = {
      ArrowRight: i + 1,
      ArrowLeft: i - 1,
      ArrowDown: i + perRow,
      ArrowUp: i - perRow,
      Home: 0,
      End: cards.length - 1,
    }[e.key];
    if (target === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    cards[Math.min(cards.length - 1, Math.max(0, target))]?.focus();
  };

  return (
    <ul className="asset-grid" aria-label="Assets" onKeyDown={onKeyDown}>
      {assets.map((a) => (
        <li key={a.id}>
          <AssetCard asset={a} onOpen={onOpen} />
        </li>
      ))}
    </ul>
  );
}

function AssetCard({ asset, onOpen }: { asset: Asset; onOpen: (asset: Asset) => void }) {
  const backend = useBackend();
  const [broken, setBroken] = useState(false);
  const thumb = asset.kind === 'audio' ? asset.waveform : asset.poster;
  const duration = asset.duration_s !== null && asset.kind !== 'image' ? formatDuration(asset.duration_s) : null;
  const resolution = formatResolution(asset.width, asset.height);
  const label = [asset.original_name, KIND_LABELS[asset.kind].toLowerCase(), duration, resolution].filter(Boolean).join(', ');
  const meta = [asset.container?.toUpperCase(), formatBytes(asset.size_bytes)].filter(Boolean).join(' · ');

  return (
    <button
      type="button"
      className="asset-card"
      data-testid="asset-card"
      data-asset-id={asset.id}
      data-kind={asset.kind}
      aria-label={label}
      onClick={() => onOpen(asset)}
    >
      <span className={`asset-thumb asset-thumb-${asset.kind}`}>
        {thumb && !broken ? (
          <img src={backend.fileUrl(thumb)} alt="" loading="lazy" decoding="async" draggable={false} onError={() => setBroken(true)} />
        ) : (
          <span className="asset-thumb-fallback">
            <Icon name={asset.kind} size={36} />
          </span>
        )}
        {resolution && (
          <span className="asset-badge asset-badge-resolution" data-testid="asset-resolution">
            {resolution}
          </span>
        )}
        {duration && (
          <span className="asset-badge asset-badge-duration" data-testid="asset-duration">
            {duration}
          </span>
        )}
        {asset.storage === 'referenced' && (
          <span className="asset-badge asset-badge-storage" title="Used in place: the file stays where it was">
            In place
          </span>
        )}
      </span>
      <span className="asset-info">
        <span className={`asset-kind asset-kind-${asset.kind}`} title={KIND_LABELS[asset.kind]}>
          <Icon name={asset.kind} size={14} />
        </span>
        <span className="asset-text">
          <span className="asset-name" title={asset.original_name}>
            {asset.original_name}
          </span>
          <span className="asset-meta">{meta}</span>
        </span>
      </span>
    </button>
  );
}
