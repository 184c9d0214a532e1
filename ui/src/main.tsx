import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBackend } from './backend';
import { Providers, createQueryClient } from './Providers';
import { applyTheme } from './theme';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/forms.css';
import './styles/table.css';
import './styles/library.css';
import './styles/asset-detail.css';
import './styles/import.css';
import './styles/render.css';
import './styles/score.css';
import './styles/accounts.css';
import './styles/scheduling.css';
import './styles/calendar.css';
import './styles/learning.css';
import './styles/money.css';
import './styles/analytics.css';

// Before the first paint, so there is no flash of the wrong theme.
applyTheme();

const root = createRoot(document.getElementById('root')!);

createBackend().then(
  (backend) => {
    root.render(
      <StrictMode>
        <Providers backend={backend} client={createQueryClient()}>
          <App />
        </Providers>
      </StrictMode>,
    );
  },
  (err: unknown) => {
    root.render(<p role="alert">Viral Studio could not start: {String(err)}</p>);
  },
);
