/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Written by hand beside
 * the routes; rest.test.ts checks that every route the router serves is documented here and
 * every operation documented here is served. OpenAPI 3.1: https://spec.openapis.org/oas/v3.1.0
 */

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const wrapped = (data: Schema): Schema => ({
  type: 'object',
  required: ['success', 'data'],
  properties: { success: { const: true }, data },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        $ref: `#/components/responses/${{ 400: 'BadInput', 401: 'Unauthenticated', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' }[code]}`,
      },
    ]),
  );
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Campaign id.' };
const listParams = (statusEnum: string[]) => [
  { name: 'status', in: 'query', schema: { type: 'string', enum: statusEnum } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
  { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The previous page’s pageInfo.endCursor.' },
];
const listOf = (item: string): Schema => ({
  type: 'object',
  required: ['success', 'data', 'pageInfo', 'totalCount'],
  properties: {
    success: { const: true },
    data: { type: 'array', items: ref(item) },
    pageInfo: ref('PageInfo'),
    totalCount: { type: 'integer' },
  },
});
const lifecycle = (summary: string) => ({
  summary,
  tags: ['campaigns'],
  parameters: [idParam],
  responses: {
    '200': { description: 'The campaign after the change.', content: json(wrapped(ref('Campaign'))) },
    ...errors(401, 403, 404, 409),
  },
});
const simple = (description: string, props: Schema): Schema => ({ description, content: json(props) });

const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'completed', 'cancelled'];
const CONTACT_STATUSES = ['queued', 'calling', 'retry_scheduled', 'completed', 'failed', 'voicemail', 'skipped'];
const CALL_STATUSES = [
  'initiated',
  'ringing',
  'in_progress',
  'completed',
  'busy',
  'no_answer',
  'failed',
  'voicemail',
  'canceled',
];

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Dialwave REST API (v1)',
    version: '1.0.0',
    description:
      'The older designs’ REST routes, served on the same services as GraphQL. Authenticate with `Authorization: Bearer <login token or dw_live_ API key>`. Errors: `{success: false, error: {code, message, field?}}` with 400, 401, 403, 404 or 409.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: {
    '/campaigns': {
      post: {
        summary: 'Create a campaign',
        tags: ['campaigns'],
        requestBody: { required: true, content: json(ref('CampaignInput')) },
        responses: {
          '201': { description: 'Created.', content: json(wrapped(ref('Campaign'))) },
          ...errors(400, 401, 403, 404),
        },
      },
      get: {
        summary: 'List campaigns, newest first',
        tags: ['campaigns'],
        parameters: [
          ...listParams(CAMPAIGN_STATUSES),
          { name: 'search', in: 'query', schema: { type: 'string' }, description: 'Part of the name, any case.' },
        ],
        responses: {
          '200': { description: 'A page of campaigns.', content: json(listOf('Campaign')) },
          ...errors(400, 401),
        },
      },
    },
    '/campaigns/{id}': {
      get: {
        summary: 'Get a campaign',
        tags: ['campaigns'],
        parameters: [idParam],
        responses: {
          '200': { description: 'The campaign.', content: json(wrapped(ref('Campaign'))) },
          ...errors(401, 404),
        },
      },
      patch: {
        summary: 'Update a campaign (also while active: new settings apply to the next dial)',
        tags: ['campaigns'],
        parameters: [idParam],
        requestBody: { required: true, content: json(ref('CampaignUpdate')) },
        responses: {
          '200': { description: 'The campaign.', content: json(wrapped(ref('Campaign'))) },
          ...errors(400, 401, 403, 404, 409),
        },
      },
      delete: {
        summary: 'Delete a campaign with its contacts and calls (409 while active)',
        tags: ['campaigns'],
        parameters: [idParam],
        responses: {
          '200': simple('Deleted.', {
            type: 'object',
            properties: {
              success: { const: true },
              message: { type: 'string' },
              data: { type: 'object', properties: { campaignId: { type: 'string' } } },
            },
          }),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    '/campaigns/{id}/contacts': {
      post: {
        summary: 'Add contacts in bulk (up to 10,000)',
        tags: ['campaigns'],
        parameters: [idParam],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['contacts'],
            properties: { contacts: { type: 'array', items: ref('ContactInput') } },
          }),
        },
        responses: {
          '201': {
            description: 'What was accepted, duplicated and rejected (with index and reason).',
            content: json(wrapped(ref('AddContactsResult'))),
          },
          ...errors(400, 401, 403, 404),
        },
      },
      get: {
        summary: 'List contacts in insertion order',
        tags: ['campaigns'],
        parameters: [idParam, ...listParams(CONTACT_STATUSES)],
        responses: {
          '200': { description: 'A page of contacts.', content: json(listOf('Contact')) },
          ...errors(400, 401, 404),
        },
      },
    },
    '/campaigns/{id}/calls': {
      get: {
        summary: 'Call logs, newest first',
        tags: ['campaigns'],
        parameters: [idParam, ...listParams(CALL_STATUSES)],
        responses: {
          '200': { description: 'A page of calls.', content: json(listOf('Call')) },
          ...errors(400, 401, 404),
        },
      },
    },
    '/campaigns/{id}/stats': {
      get: {
        summary: 'Statistics',
        tags: ['campaigns'],
        parameters: [idParam],
        responses: {
          '200': { description: 'Counters, progress and success rate.', content: json(wrapped(ref('Stats'))) },
          ...errors(401, 404),
        },
      },
    },
    '/campaigns/{id}/progress': {
      get: {
        summary: 'Real-time progress: campaign counters plus the queue view (unwrapped, as the queue design answered)',
        tags: ['campaigns'],
        parameters: [idParam],
        responses: {
          '200': simple('Progress.', {
            type: 'object',
            required: ['campaign', 'queue'],
            properties: {
              campaign: ref('Stats'),
              queue: {
                type: 'object',
                properties: Object.fromEntries(
                  ['waiting', 'active', 'completed', 'failed', 'delayed'].map((k) => [k, { type: 'integer' }]),
                ),
              },
            },
          }),
          ...errors(401, 404),
        },
      },
    },
    '/campaigns/{id}/start': { post: lifecycle('Start a campaign') },
    '/campaigns/{id}/pause': { post: lifecycle('Pause a campaign (live calls finish)') },
    '/campaigns/{id}/resume': { post: lifecycle('Resume a paused campaign') },
    '/campaigns/{id}/cancel': { post: lifecycle('Cancel a campaign') },
    '/campaigns/{id}/retry': { post: lifecycle('Queue failed contacts again') },
    '/client/campaigns/{id}/start-calling': {
      post: {
        summary: 'Start calling (sequential design): one line, paced by delayBetweenCalls',
        description:
          'Sets the campaign to one concurrent call and a start rate of 60000 / delayBetweenCalls calls a minute (1–600; 0: unpaced), then starts it.',
        tags: ['client'],
        parameters: [idParam],
        requestBody: {
          content: json({
            type: 'object',
            properties: {
              agentId: { type: 'string', description: 'Becomes the campaign’s agent.' },
              delayBetweenCalls: {
                type: 'integer',
                minimum: 0,
                maximum: 60000,
                default: 2000,
                description: 'Milliseconds.',
              },
            },
          }),
        },
        responses: {
          '200': simple('Started.', {
            type: 'object',
            properties: {
              success: { const: true },
              message: { const: 'Campaign calling started' },
              data: {
                type: 'object',
                properties: {
                  campaignId: { type: 'string' },
                  totalContacts: { type: 'integer' },
                  status: { const: 'started' },
                },
              },
            },
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    '/client/campaigns/{id}/stop-calling': {
      post: {
        summary: 'Stop calling (pauses the campaign)',
        tags: ['client'],
        parameters: [idParam],
        responses: {
          '200': simple('Stopped.', {
            type: 'object',
            properties: {
              success: { const: true },
              message: { const: 'Campaign calling stopped' },
              data: { type: 'object', properties: { campaignId: { type: 'string' }, status: { const: 'stopped' } } },
            },
          }),
          ...errors(401, 403, 404, 409),
        },
      },
    },
    '/client/campaigns/{id}/calling-status': {
      get: {
        summary: 'Calling status (prefer the campaignProgress subscription to polling)',
        tags: ['client'],
        parameters: [idParam],
        responses: { '200': simple('Status.', wrapped(ref('CallingStatus'))), ...errors(401, 404) },
      },
    },
    '/client/campaigns/{id}/make-call': {
      post: {
        summary: 'Call one contact now',
        tags: ['client'],
        parameters: [idParam],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['contactId'],
            properties: {
              contactId: { type: 'string' },
              agentId: { type: 'string', description: 'Must be the campaign’s agent.' },
            },
          }),
        },
        responses: {
          '200': simple('The call was placed.', wrapped(ref('MadeCall'))),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'A login token, or an API key (dw_live_…).' },
    },
    responses: {
      BadInput: {
        description: 'Invalid input: `error.field` names the field, the message the rule.',
        content: json(ref('Error')),
      },
      Unauthenticated: {
        description: 'No, or an invalid, expired or revoked credential.',
        content: json(ref('Error')),
      },
      Forbidden: { description: 'The caller’s role may not do this.', content: json(ref('Error')) },
      NotFound: { description: 'No such campaign (or contact) in your organization.', content: json(ref('Error')) },
      Conflict: { description: 'Not allowed in the campaign’s current state.', content: json(ref('Error')) },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['success', 'error'],
        properties: {
          success: { const: false },
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: {
                type: 'string',
                enum: [
                  'BAD_USER_INPUT',
                  'UNAUTHENTICATED',
                  'FORBIDDEN',
                  'NOT_FOUND',
                  'CONFLICT',
                  'RATE_LIMITED',
                  'INTERNAL_SERVER_ERROR',
                ],
              },
              message: { type: 'string' },
              field: { type: 'string' },
            },
          },
        },
      },
      PageInfo: {
        type: 'object',
        properties: { hasNextPage: { type: 'boolean' }, endCursor: { type: ['string', 'null'] } },
      },
      Settings: {
        type: 'object',
        properties: {
          concurrentCallsLimit: { type: 'integer', minimum: 1, maximum: 50, default: 3 },
          retryFailedCalls: { type: 'boolean', default: true },
          maxRetryAttempts: { type: 'integer', minimum: 0, maximum: 10, default: 3 },
          retryDelayMinutes: { type: 'integer', minimum: 0, maximum: 10080, default: 30 },
          excludeVoicemail: { type: 'boolean', default: false },
          priorityMode: { type: 'string', enum: ['fifo', 'lifo', 'priority'], default: 'fifo' },
          callsPerMinute: { type: ['integer', 'null'], minimum: 1, maximum: 600 },
          callingWindow: {
            type: ['object', 'null'],
            properties: {
              start: { type: 'string' },
              end: { type: 'string' },
              days: { type: 'array', items: { type: 'integer' } },
              timezone: { type: 'string' },
            },
          },
        },
      },
      CampaignInput: {
        type: 'object',
        required: ['name', 'agentId'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          agentId: { type: 'string' },
          phoneId: { type: 'string', description: 'Default: the organization’s default phone.' },
          description: { type: 'string', maxLength: 2000 },
          settings: ref('Settings'),
        },
      },
      CampaignUpdate: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          agentId: { type: 'string' },
          phoneId: { type: 'string' },
          settings: ref('Settings'),
        },
      },
      Stats: {
        type: 'object',
        properties: Object.fromEntries(
          [
            'totalContacts',
            'queuedCalls',
            'activeCalls',
            'retryScheduled',
            'completedCalls',
            'failedCalls',
            'voicemailCalls',
            'skippedContacts',
            'totalAttempts',
            'progress',
            'successRate',
          ].map((k) => [k, { type: 'number' }]),
        ),
      },
      Campaign: {
        type: 'object',
        properties: {
          _id: { type: 'string' },
          id: { type: 'string' },
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          agentId: { type: 'string' },
          phoneId: { type: 'string' },
          status: { type: 'string', enum: CAMPAIGN_STATUSES },
          settings: ref('Settings'),
          stats: ref('Stats'),
          startedAt: { type: ['string', 'null'], format: 'date-time' },
          lastCallAt: { type: ['string', 'null'], format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      ContactInput: {
        type: 'object',
        required: ['phoneNumber'],
        properties: {
          phoneNumber: { type: 'string', description: 'E.164, or national for the organization’s country.' },
          name: { type: 'string' },
          email: { type: 'string' },
          priority: { type: 'integer', minimum: -1000, maximum: 1000 },
          customData: { type: 'object' },
        },
      },
      Contact: {
        type: 'object',
        properties: {
          _id: { type: 'string' },
          id: { type: 'string' },
          phoneNumber: { type: 'string' },
          name: { type: ['string', 'null'] },
          email: { type: ['string', 'null'] },
          priority: { type: 'integer' },
          customData: { type: ['object', 'null'] },
          status: { type: 'string', enum: CONTACT_STATUSES },
          attempts: { type: 'integer' },
          lastOutcome: { type: ['string', 'null'] },
          nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      AddContactsResult: {
        type: 'object',
        properties: {
          accepted: { type: 'integer' },
          duplicates: { type: 'integer' },
          rejected: {
            type: 'array',
            items: {
              type: 'object',
              properties: { index: { type: 'integer' }, phoneNumber: { type: 'string' }, reason: { type: 'string' } },
            },
          },
        },
      },
      Call: {
        type: 'object',
        properties: {
          _id: { type: 'string' },
          id: { type: 'string' },
          contactId: { type: 'string' },
          attempt: { type: 'integer' },
          status: { type: 'string', enum: CALL_STATUSES },
          provider: { type: 'string' },
          providerCallId: { type: ['string', 'null'] },
          startedAt: { type: 'string', format: 'date-time' },
          answeredAt: { type: ['string', 'null'], format: 'date-time' },
          endedAt: { type: ['string', 'null'], format: 'date-time' },
          durationSeconds: { type: ['integer', 'null'] },
          error: { type: ['string', 'null'] },
        },
      },
      CallingStatus: {
        type: 'object',
        properties: {
          campaignId: { type: 'string' },
          isRunning: { type: 'boolean' },
          totalContacts: { type: 'integer' },
          progress: {
            type: 'object',
            properties: {
              campaignId: { type: 'string' },
              totalContacts: { type: 'integer' },
              currentIndex: { type: 'integer', description: 'Contacts finished with (final states).' },
              completedCalls: { type: 'integer', description: 'Same as currentIndex.' },
              successfulCalls: { type: 'integer' },
              failedCalls: { type: 'integer', description: 'Failed, voicemail and skipped.' },
              startTime: { type: ['string', 'null'], format: 'date-time' },
              isRunning: { type: 'boolean' },
              lastCallTime: { type: ['string', 'null'], format: 'date-time' },
            },
          },
        },
      },
      MadeCall: {
        type: 'object',
        properties: {
          success: { const: true },
          uniqueId: { type: 'string', description: 'Our call id.' },
          contact: {
            type: 'object',
            properties: { _id: { type: 'string' }, name: { type: ['string', 'null'] }, phone: { type: 'string' } },
          },
          timestamp: { type: 'string', format: 'date-time' },
          externalResponse: {
            type: 'object',
            properties: {
              provider: { type: 'string' },
              providerCallId: { type: ['string', 'null'] },
              status: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;
