/**
 * One asset: a player (or the image), the filmstrip, everything the probe found, for a video
 * its renders and "Render…" (also the R key), and under it all the viral score; "Compare
 * versions…" scores the asset, its renders and alternative captions side by side.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { toApiError, useBackend, type Asset } from '../backend';
import {
  KIND_LABELS,
  formatBytes,
  formatChannels,
  formatDateTime,
  formatDuration,
  formatFps,
  formatSampleRate,
  orientation,
} from '../lib/media';
import { useAsset, useCampaignList } from '../queries';
import { navigate } from '../router';
import { isTypingTarget } from '../shortcuts';
import { CompareVersions } from './CompareVersions';
import { Composer } from './Composer';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { Icon } from './Icon';
import { RenderDialog } from './RenderDialog';
import { RendersList } from './RendersList';
import { ScorePanel } from './ScorePanel';

type Props = { assetId: string; initial?: Asset; onClose: () => void };

export function AssetDetail({ assetId, initial, onClose }: Props) {
  const query = useAsset(assetId, initial);
  const asset = query.data;
  const [rendering, setRendering] = useState(false);
  const [composing, setComposing] = useState(false);
  const [comparing, setComparing] = useState(false);
  const canRender = asset?.kind === 'video';
  const canPost = asset?.kind === 'video' || asset?.kind === 'image';

  // "r" opens Render… while this detail is the only dialog open and nobody is typing.
  useEffect(() => {
    if (!canRender) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'r' || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (isTypingTarget(e.target) || document.querySelectorAll('dialog[open]').length !== 1) return;
      e.preventDefault();
      setRendering(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canRender]);

  return (
    <>
      <Dialog title={asset?.original_name ?? 'Asset'} onClose={onClose} size="wide" testId="asset-detail">
        {asset ? (
          <div className="asset-detail">
            <Preview asset={asset} />
            <div className="asset-side">
              <Facts asset={asset} />
              {canRender && <RendersList assetId={asset.id} />}
            </div>
            <ScorePanel key={asset.id} asset={asset} />
          </div>
        ) : query.isError ? (
          <div className="asset-detail-message">
            <ErrorBanner message={`Could not load this asset: ${toApiError(query.error).message}`} onRetry={() => void query.refetch()} />
          </div>
        ) : (
          <p className="state-message" role="status">
            Loading…
          </p>
        )}
        <footer className="dialog-footer">
          {canRender && (
            <button type="button" className="btn btn-primary footer-start" onClick={() => setRendering(true)} aria-keyshortcuts="R"
              data-testid="asset-render">
              <Icon name="video" />
              Render… <kbd className="kbd-hint">R</kbd>
            </button>
          )}
          {canPost && (
            <button type="button" className={`btn ${canRender ? '' : 'footer-start'}`} onClick={() => setComparing(true)} data-testid="asset-compare">
              Compare versions…
            </button>
          )}
          {canPost && (
            <button type="button" className="btn" onClick={() => setComposing(true)} data-testid="asset-schedule">
              Schedule a post…
            </button>
          )}
          <button type="button" className="btn" onClick={onClose} data-autofocus data-testid="asset-detail-close">
            Close
          </button>
        </footer>
      </Dialog>
      {/* A sibling, not a child: the detail's dialog must not see the render dialog's events. */}
      {rendering && asset && <RenderDialog asset={asset} onClose={() => setRendering(false)} />}
      {comparing && asset && <CompareVersions asset={asset} onClose={() => setComparing(false)} />}
      {composing && asset && (
        <Composer media={asset.id} onClose={() => setComposing(false)}
          onDone={() => {
            setComposing(false);
            onClose();
            navigate('calendar');
          }} />
      )}
    </>
  );
}

function Preview({ asset }: { asset: Asset }) {
  const backend = useBackend();
  const [failed, setFailed] = useState(false);
  const src = backend.fileUrl(asset.path);
  const poster = asset.poster ? backend.fileUrl(asset.poster) : undefined;
  const note = failed && (
    <p className="preview-note" role="note">
      This file can’t be previewed here (the system has no player for its format). It is still in your library.
    </p>
  );

  if (asset.kind === 'image') {
    return (
      <div className="asset-preview">
        <div className="preview-stage">
          <img src={src} alt={asset.original_name} onError={() => setFailed(true)} />
        </div>
        {note}
      </div>
    );
  }
  if (asset.kind === 'audio') {
    return (
      <div className="asset-preview">
        <div className="preview-stage preview-audio">
          {asset.waveform && <img className="preview-waveform" src={backend.fileUrl(asset.waveform)} alt="Waveform" />}
          <audio controls preload="metadata" src={src} onError={() => setFailed(true)} data-testid="asset-player" />
        </div>
        {note}
      </div>
    );
  }
  return (
    <div className="asset-preview">
      <div className="preview-stage">
        <video controls preload="metadata" src={src} poster={poster} onError={() => setFailed(true)} data-testid="asset-player"
          style={{ aspectRatio: asset.width && asset.height ? `${asset.width} / ${asset.height}` : '16 / 9' }} />
      </div>
      {note}
      {asset.filmstrip && (
        <img className="asset-filmstrip" src={backend.fileUrl(asset.filmstrip)} alt="Frames from across the video" data-testid="asset-filmstrip" />
      )}
    </div>
  );
}

function Facts({ asset: a }: { asset: Asset }) {
  const campaigns = useCampaignList(true);
  const campaign = a.campaign_id ? campaigns.data?.find((c) => c.id === a.campaign_id) : undefined;
  const rows: [string, ReactNode][] = [['Kind', KIND_LABELS[a.kind]]];
  if (a.container) rows.push(['Container', a.container.toUpperCase()]);
  rows.push(['Size', formatBytes(a.size_bytes)]);
  if (a.width && a.height) rows.push(['Dimensions', `${a.width} × ${a.height} px (${orientation(a.width, a.height)})`]);
  if (a.duration_s !== null && a.kind !== 'image') rows.push(['Duration', `${formatDuration(a.duration_s)} (${a.duration_s.toFixed(1)} s)`]);
  if (a.fps !== null) {
    rows.push(['Frame rate', a.variable_frame_rate ? `${formatFps(a.fps)} (variable — average)` : formatFps(a.fps)]);
  }
  if (a.kind === 'video') rows.push(['Rotation', a.rotation ? `${a.rotation}° (shown upright)` : 'None']);
  if (a.video_codec) rows.push(['Video codec', a.video_codec]);
  if (a.audio_codec) {
    const parts = [a.audio_codec, a.audio_channels ? formatChannels(a.audio_channels) : null, a.sample_rate ? formatSampleRate(a.sample_rate) : null];
    rows.push(['Audio', parts.filter(Boolean).join(' · ')]);
  } else if (a.kind === 'video') {
    rows.push(['Audio', 'No audio track']);
  }
  if (a.campaign_id) rows.push(['Campaign', campaign?.name ?? a.campaign_id]);
  rows.push(['Storage', a.storage === 'referenced' ? 'Used in place (not copied)' : 'Copied into the library']);
  rows.push(['Path', <span className="path">{a.path}</span>]);
  rows.push(['Imported', <time dateTime={a.created_at}>{formatDateTime(a.created_at)}</time>]);

  return (
    <dl className="asset-facts" data-testid="asset-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="asset-fact" data-fact={label.toLowerCase().replace(/\s+/g, '-')}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
