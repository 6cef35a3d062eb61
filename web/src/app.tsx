import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { CallsPage } from './calls/calls.page';
import { CallDetailPage } from './calls/call-detail.page';
import { AgentsPage } from './agents/agents.page';
import { CampaignActivityPage } from './campaigns/campaign-activity.page';
import { CampaignEditPage } from './campaigns/campaign-edit.page';
import { CampaignNewPage } from './campaigns/campaign-new.page';
import { CampaignPage } from './campaigns/campaign.page';
import { CampaignsPage } from './campaigns/campaigns.page';
import { ContactsPage } from './contacts/contacts.page';
import { DoNotCallPage } from './dnc/dnc.page';
import { ImportPage } from './contacts/import.page';
import { PhonesPage } from './phones/phones.page';
import { ApiKeysPage } from './settings/api-keys.page';
import { OrganizationPage } from './settings/organization.page';
import { SettingsPage } from './settings/settings.page';
import { UsersPage } from './settings/users.page';
import { WebhooksPage } from './settings/webhooks.page';
import { AuthPage } from './session/auth.page';
import { useSession } from './session/session.context';
import { Layout } from './shell/layout';
import { EmptyState, Loading } from './shell/states';

// GraphiQL (with Monaco) is most of the bundle: its own chunk, loaded on first visit.
const GraphiqlPage = lazy(() =>
  import('./graphiql/graphiql.page').then((module) => ({ default: module.GraphiqlPage })),
);

function RequireSession() {
  const { token } = useSession();
  const location = useLocation();
  if (!token) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

function RedirectIfSignedIn() {
  const { token } = useSession();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  if (token) return <Navigate to={from && from !== '/sign-in' ? from : '/campaigns'} replace />;
  return <Outlet />;
}

/** The dashboard's routes. */
export function App() {
  return (
    <Routes>
      <Route element={<RedirectIfSignedIn />}>
        <Route path="/sign-in" element={<AuthPage mode="sign-in" />} />
        <Route path="/sign-up" element={<AuthPage mode="sign-up" />} />
      </Route>
      <Route element={<RequireSession />}>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/campaigns" replace />} />
          <Route path="/campaigns" element={<CampaignsPage />} />
          <Route path="/campaigns/new" element={<CampaignNewPage />} />
          <Route path="/campaigns/:campaignId/edit" element={<CampaignEditPage />} />
          <Route path="/campaigns/:campaignId" element={<CampaignPage />}>
            <Route index element={<CampaignActivityPage />} />
            <Route path="contacts" element={<ContactsPage />} />
            <Route path="calls" element={<CallsPage />} />
            <Route path="import" element={<ImportPage />} />
          </Route>
          <Route path="/calls/:callId" element={<CallDetailPage />} />
          <Route path="/agents" element={<AgentsPage />} />
          <Route path="/phones" element={<PhonesPage />} />
          <Route path="/do-not-call" element={<DoNotCallPage />} />
          <Route path="/settings" element={<SettingsPage />}>
            <Route index element={<UsersPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="webhooks" element={<WebhooksPage />} />
            <Route path="organization" element={<OrganizationPage />} />
          </Route>
          <Route
            path="/graphiql"
            element={
              <Suspense fallback={<Loading label="Loading GraphiQL…" />}>
                <GraphiqlPage />
              </Suspense>
            }
          />
          <Route
            path="*"
            element={<EmptyState title="Page not found">Check the address, or pick a section above.</EmptyState>}
          />
        </Route>
      </Route>
    </Routes>
  );
}
