/** The shell: skip link, sidebar, the current screen, importing (panel, drop overlay) and renders. */
import { useEffect, useRef, type ComponentType, type MouseEvent } from 'react';
import { DropOverlay } from './components/DropOverlay';
import { ImportPanel } from './components/ImportPanel';
import { ImportProvider } from './components/ImportProvider';
import { RenderProvider } from './components/RenderProvider';
import { Sidebar } from './components/Sidebar';
import { useScreen, type Screen } from './router';
import { Accounts } from './screens/Accounts';
import { Analytics } from './screens/Analytics';
import { Campaigns } from './screens/Campaigns';
import { Home } from './screens/Home';
import { Library } from './screens/Library';
import { Calendar } from './screens/Calendar';
import { Settings } from './screens/Settings';
import { useGlobalShortcuts } from './shortcuts';

const SCREEN_COMPONENTS: Record<Screen, ComponentType> = {
  home: Home,
  library: Library,
  campaigns: Campaigns,
  calendar: Calendar,
  analytics: Analytics,
  accounts: Accounts,
  settings: Settings,
};

export function App() {
  const screen = useScreen();
  const mainRef = useRef<HTMLElement>(null);
  const shownScreen = useRef(screen);
  useGlobalShortcuts();

  // After navigation, move focus to the new screen's title so keyboard and
  // screen-reader users land in the content (not on the initial load).
  useEffect(() => {
    if (shownScreen.current === screen) return;
    shownScreen.current = screen;
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [screen]);

  // The skip link must not change the hash: the router owns it.
  const skipToMain = (e: MouseEvent) => {
    e.preventDefault();
    mainRef.current?.focus();
  };

  const Current = SCREEN_COMPONENTS[screen];
  return (
    <ImportProvider>
      <RenderProvider>
        <a href="#main-content" className="skip-link" onClick={skipToMain}>
          Skip to content
        </a>
        <div className="shell">
          <Sidebar current={screen} />
          <main id="main-content" ref={mainRef} tabIndex={-1} className="main" data-screen={screen}>
            <div className="content">
              <Current key={screen} />
            </div>
          </main>
        </div>
        <ImportPanel />
        <DropOverlay />
      </RenderProvider>
    </ImportProvider>
  );
}
