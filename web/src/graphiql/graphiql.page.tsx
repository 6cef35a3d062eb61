// Monaco (GraphiQL's editor) needs its web workers registered before it loads; this
// variant bundles them with Vite, so nothing comes from a CDN and it works offline.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { useEffect, useMemo } from 'react';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { useSession } from '../session/session.context';

const DEFAULT_QUERY = `# Welcome to the Dialwave API. Your session token is sent with every request.
# Subscriptions run over graphql-ws; try one while a campaign is running:
#
# subscription { campaignUpdated { id name status stats { progress activeCalls } } }

query Campaigns {
  campaigns(first: 10) {
    nodes {
      id
      name
      status
      stats {
        totalContacts
        progress
        successRate
      }
    }
    totalCount
  }
}
`;

/** GraphiQL bundled into the dashboard, signed in as the current user. */
export function GraphiqlPage() {
  const { client, token } = useSession();
  // Its own socket, so closing GraphiQL never disturbs the dashboard's subscriptions.
  const wsClient = useMemo(
    () =>
      createClient({
        url: client.wsUrl,
        lazy: true,
        retryAttempts: Infinity,
        connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    [client.wsUrl, token],
  );
  useEffect(() => () => void wsClient.dispose(), [wsClient]);
  const fetcher = useMemo(
    () =>
      createGraphiQLFetcher({
        url: new URL(client.httpUrl, window.location.href).toString(),
        wsClient,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
    [client.httpUrl, token, wsClient],
  );
  return (
    <div className="graphiql-host">
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </div>
  );
}
