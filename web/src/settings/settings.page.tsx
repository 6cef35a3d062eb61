import { NavLink, Outlet } from 'react-router';
import { EmptyState } from '../shell/states';
import { OrganizationPage } from './organization.page';
import { useCan } from './use-role';

/**
 * Settings: users, API keys and webhooks of the organization (ADMIN only: the API refuses
 * others), and the organization's settings, which everyone may read and ADMINs change.
 */
export function SettingsPage() {
  const isAdmin = useCan('ADMIN');
  return (
    <section className="page">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      {isAdmin ? (
        <>
          <nav className="tabs" aria-label="Settings sections">
            <NavLink end to="/settings" className="tab">
              Users
            </NavLink>
            <NavLink to="/settings/api-keys" className="tab">
              API keys
            </NavLink>
            <NavLink to="/settings/webhooks" className="tab">
              Webhooks
            </NavLink>
            <NavLink to="/settings/organization" className="tab">
              Organization
            </NavLink>
          </nav>
          <Outlet />
        </>
      ) : (
        <>
          <OrganizationPage />
          <EmptyState title="Administrators only">Users, API keys and webhooks are managed by an ADMIN.</EmptyState>
        </>
      )}
    </section>
  );
}
