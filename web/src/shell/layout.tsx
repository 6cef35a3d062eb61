import { useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { ConnectionIndicator } from '../session/connection-indicator';
import { useSession } from '../session/session.context';

const ShellQuery = graphql(`
  query Shell {
    me {
      id
      email
      role
      organization {
        id
        name
      }
    }
  }
`);

const NAV = [
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/agents', label: 'Agents' },
  { to: '/phones', label: 'Phones' },
  { to: '/do-not-call', label: 'Do not call' },
  { to: '/graphiql', label: 'GraphiQL' },
  // Everyone: the organization's settings are readable by all; the rest of Settings is ADMIN-only.
  { to: '/settings', label: 'Settings' },
];

/** The signed-in frame: navigation, who is signed in, the live-updates indicator. */
export function Layout() {
  const { data } = useQuery(ShellQuery);
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const me = data?.me;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/campaigns" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Dialwave
          </NavLink>
          <button
            type="button"
            className="button button-ghost menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <nav id="main-nav" className={`nav${menuOpen ? ' nav-open' : ''}`} aria-label="Main">
            {NAV.map((item) => (
              <NavLink key={item.to} to={item.to} className="nav-link" onClick={() => setMenuOpen(false)}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="topbar-end">
            <ConnectionIndicator />
            {me && (
              <span className="whoami" title={me.email}>
                <span className="whoami-org">{me.organization.name}</span>
                <span className="whoami-email">{me.email}</span>
              </span>
            )}
            <button
              type="button"
              className="button button-ghost"
              onClick={async () => {
                await signOut();
                navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="content">
        <Outlet />
      </main>
    </div>
  );
}
