import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { createDialwaveClient } from './session/apollo.client';
import { createNoticeStore } from './session/notice.store';
import { expireSession, SessionProvider } from './session/session.context';
import { createTokenStore } from './session/token.store';
import './styles.css';

const tokens = createTokenStore();
const notices = createNoticeStore();
const client = createDialwaveClient({
  tokens,
  // An expired or refused token: back to the sign-in page, saying why, with a clean cache.
  onUnauthenticated: (message) => expireSession({ client, tokens, notices }, message),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html needs a <div id="root">');
createRoot(root).render(
  <StrictMode>
    <SessionProvider client={client} tokens={tokens} notices={notices}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
