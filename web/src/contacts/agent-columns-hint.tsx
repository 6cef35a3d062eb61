import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { ColumnMapping } from './csv-mapping';

const ImportAgentQuery = graphql(`
  query ImportAgent($id: ID!) {
    campaign(id: $id) {
      id
      agent {
        id
        name
        variables
      }
    }
  }
`);

/**
 * The agent's variables no column of the file gives: `name` and `email` come from their
 * columns, `phoneNumber` always exists, any other variable from a custom column of that name.
 */
export function missingAgentColumns(variables: readonly string[], columns: readonly ColumnMapping[]): string[] {
  const given = new Set<string>(['phoneNumber']);
  for (const column of columns) given.add(column.field === 'customData' ? column.key : column.field);
  return variables.filter((v) => !given.has(v));
}

/** Tells, before upload, which columns the campaign's agent needs, and which the file lacks. */
export function AgentColumnsHint({ campaignId, columns }: { campaignId: string; columns: ColumnMapping[] | null }) {
  const { data } = useQuery(ImportAgentQuery, { variables: { id: campaignId } });
  const agent = data?.campaign?.agent;
  if (!agent || agent.variables.length === 0) return null;
  const missing = columns ? missingAgentColumns(agent.variables, columns) : [];
  return (
    <>
      <p className="notice" data-testid="agent-columns">
        Agent “{agent.name}” needs a value for{' '}
        {agent.variables.map((v, i) => (
          <span key={v}>
            {i > 0 ? ', ' : ''}
            <code>{v}</code>
          </span>
        ))}{' '}
        in every row: a column of that name (or <code>name</code>, <code>email</code>). Rows without one are rejected.
      </p>
      {missing.length > 0 && (
        <p className="notice notice-warning" role="alert">
          This file has no column for {missing.map((m) => `“${m}”`).join(', ')}: every row would be rejected.
        </p>
      )}
    </>
  );
}
