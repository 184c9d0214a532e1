/**
 * How a post will look on one account: the effective caption with the part beyond the
 * platform's limit highlighted, "count / limit unit", the media's aspect against the one the
 * platform takes (drawn, with the area the platform's own buttons cover) and every problem.
 */
import type { MediaPreview, PlatformId, TargetCheck } from '../backend';
import { aspectValue, captionParts, safeArea } from '../lib/posts';

export function PostPreview({ check }: { check: TargetCheck }) {
  const { fits, over } = captionParts(check.caption);
  const isOver = check.caption.fits_chars !== null;
  const problems = check.problems.length;
  const headingId = `preview-${check.account_id}`;
  return (
    <article className="card preview-card" data-testid="preview-card" data-account-id={check.account_id} data-platform={check.platform}
      data-valid={problems === 0} aria-labelledby={headingId}>
      <header className="preview-head">
        <span className={`platform-mark platform-mark-${check.platform}`} aria-hidden="true">
          {check.platform_name.charAt(0)}
        </span>
        <div className="preview-who">
          <h3 id={headingId}>{check.platform_name}</h3>
          <span className="muted">{check.handle}</span>
        </div>
        <span className={`badge ${problems === 0 ? 'badge-ok' : 'badge-danger'}`} data-testid="preview-status">
          {problems === 0 ? 'Ready' : problems === 1 ? '1 problem' : `${problems} problems`}
        </span>
      </header>
      {check.title !== null && (
        <p className="preview-title" data-testid="preview-title">
          {check.title}
        </p>
      )}
      <p className="preview-caption" data-testid="preview-caption">
        {fits}
        {over && (
          <mark className="preview-overflow" data-testid="preview-overflow" title="Beyond the platform's limit">
            <span className="sr-only">Over the limit: </span>
            {over}
          </mark>
        )}
        {check.caption.text === '' && <span className="muted">No caption</span>}
      </p>
      <p className={`preview-count ${isOver ? 'is-over' : ''}`} data-testid="preview-count">
        {check.caption.count.toLocaleString('en-US')} / {check.caption.limit.toLocaleString('en-US')} {check.caption.unit}
      </p>
      {check.media && <MediaFit media={check.media} platform={check.platform} name={check.platform_name} />}
      {problems > 0 && (
        <ul className="preview-problems" aria-label={`Problems on ${check.platform_name}`}>
          {check.problems.map((p, i) => (
            <li key={i} data-testid="preview-problem" data-field={p.field}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

const BOX = 96;

/** The media inside the frame the platform takes, and the safe area its buttons cover. */
function MediaFit({ media, platform, name }: { media: MediaPreview; platform: PlatformId; name: string }) {
  const mediaRatio = aspectValue(media.aspect) ?? (media.width && media.height ? media.width / media.height : null);
  const frameRatio = aspectValue(media.required_aspect) ?? mediaRatio ?? 1;
  const frame = fit(frameRatio, BOX, BOX);
  const inner = mediaRatio === null ? frame : fit(mediaRatio, frame.w, frame.h);
  const fx = (BOX - frame.w) / 2;
  const fy = (BOX - frame.h) / 2;
  const safe = safeArea(platform, frameRatio);
  const label = media.aspect
    ? media.required_aspect
      ? media.aspect_ok
        ? `${media.aspect}, as ${name} takes`
        : `${media.aspect}; ${name} takes ${media.required_aspect}`
      : `${media.aspect}`
    : 'Size unknown';
  return (
    <div className={`preview-media ${media.aspect_ok ? '' : 'is-wrong'}`} data-testid="preview-media" data-aspect={media.aspect ?? ''}
      data-required={media.required_aspect ?? ''} data-aspect-ok={media.aspect_ok}>
      <svg width={BOX} height={BOX} viewBox={`0 0 ${BOX} ${BOX}`} role="img"
        aria-label={`Aspect ${label}${safe ? `; ${safe.label} covers the bottom ${safe.bottom * 100}% and right ${safe.right * 100}%` : ''}`}>
        <rect className="fit-frame" x={fx} y={fy} width={frame.w} height={frame.h} rx={3} />
        <rect className="fit-media" x={fx + (frame.w - inner.w) / 2} y={fy + (frame.h - inner.h) / 2} width={inner.w} height={inner.h} />
        {safe && (
          <g className="fit-safe" data-testid="preview-safe-area">
            <rect x={fx} y={fy + frame.h * (1 - safe.bottom)} width={frame.w} height={frame.h * safe.bottom} />
            <rect x={fx + frame.w * (1 - safe.right)} y={fy} width={frame.w * safe.right} height={frame.h * (1 - safe.bottom)} />
          </g>
        )}
      </svg>
      <div className="preview-media-facts">
        <span data-testid="preview-aspect">{label}</span>
        {media.width !== null && media.height !== null && (
          <span className="muted">
            {media.width}×{media.height}
            {media.duration_s !== null && ` · ${media.duration_s.toFixed(1)} s`}
          </span>
        )}
        {safe && <span className="muted">Keep text out of the shaded area ({safe.label} buttons and caption).</span>}
        {media.render_preset && <span className="muted">Scheduling renders a “{media.render_preset}” cut first.</span>}
      </div>
    </div>
  );
}

function fit(ratio: number, w: number, h: number): { w: number; h: number } {
  return ratio >= w / h ? { w, h: w / ratio } : { w: h * ratio, h };
}
