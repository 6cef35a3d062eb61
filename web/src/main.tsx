import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { createDialwaveClient } from './session/apollo.client';
import { SessionProvider } from './session/session.context';
import { createTokenStore } from './session/token.store';
import './styles.css';

const tokens = createTokenStore();
const client = createDialwaveClient({
  tokens,
  // An expired or revoked token: back to the sign-in page with a clean cache.
  onUnauthenticated: () => {
    tokens.set(null);
    client.closeSocket();
    void client.apollo.clearStore();
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html needs a <div id="root">');
createRoot(root).render(
  <StrictMode>
    <SessionProvider client={client} tokens={tokens}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
