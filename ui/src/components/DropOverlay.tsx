/** The full-window target shown while files from the OS are dragged over the window. */
import { useImport } from './ImportProvider';
import { Icon } from './Icon';

export function DropOverlay() {
  const { hovering, reference } = useImport();
  if (hovering === null) return null;
  const what = hovering === 0 ? 'files' : hovering === 1 ? '1 item' : `${hovering} items`;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" role="status" aria-live="assertive">
      <div className="drop-overlay-target">
        <Icon name="upload" size={40} />
        <p className="drop-overlay-title">Drop to import {what}</p>
        <p className="drop-overlay-hint">
          {reference ? 'Files stay where they are (used in place).' : 'Files are copied into your library.'} Folders are
          searched for media.
        </p>
      </div>
    </div>
  );
}
