import type { ReactNode } from 'react';

/** Every screen's title. The h1 takes focus after navigation (see App). */
export function ScreenHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="screen-header">
      <div>
        <h1 tabIndex={-1} className="screen-title">
          {title}
        </h1>
        {subtitle && <p className="muted screen-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="screen-actions">{actions}</div>}
    </header>
  );
}
