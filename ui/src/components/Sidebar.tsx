import { SCREENS, hrefFor, type Screen } from '../router';

/** Primary navigation. Plain links (hash URLs), so Tab/Enter and middle-clicks just work. */
export function Sidebar({ current }: { current: Screen }) {
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Viral Studio</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav-list">
          {SCREENS.map((s, i) => (
            <li key={s.id}>
              <a
                href={hrefFor(s.id)}
                className="nav-link"
                data-testid={`nav-${s.id}`}
                aria-current={current === s.id ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${i + 1} Control+${i + 1}`}
              >
                <span>{s.label}</span>
                <kbd className="kbd-hint" aria-hidden="true">
                  Alt+{i + 1}
                </kbd>
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}
