/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    description\n    createdAt\n    kind\n    externalId\n    url\n    variables\n  }\n": typeof types.AgentRow_AgentFragmentDoc,
    "\n  query AgentsPage {\n    agents {\n      id\n      ...AgentRow_agent\n    }\n  }\n": typeof types.AgentsPageDocument,
    "\n  mutation CreateAgent($input: AgentInput!) {\n    createAgent(input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n": typeof types.UpdateAgentDocument,
    "\n  query CallDetailPage($id: ID!) {\n    call(id: $id) {\n      id\n      campaignId\n      attempt\n      status\n      providerCallId\n      startedAt\n      answeredAt\n      endedAt\n      durationSeconds\n      error\n      variables\n      transcript {\n        speaker\n        text\n        at\n      }\n      recordingUrl\n      summary\n      disposition\n      callbackAt\n      optOut\n      analysis\n      endedReason\n      contact {\n        id\n        name\n        phoneNumber\n      }\n    }\n  }\n": typeof types.CallDetailPageDocument,
    "\n  fragment CallFeed_call on Call {\n    id\n    attempt\n    status\n    startedAt\n    answeredAt\n    endedAt\n    durationSeconds\n    error\n    disposition\n    summary\n    contact {\n      id\n      name\n      phoneNumber\n      status\n      attempts\n      lastOutcome\n      nextAttemptAt\n    }\n  }\n": typeof types.CallFeed_CallFragmentDoc,
    "\n  query CampaignCallsPage($id: ID!, $status: CallStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      name\n      calls(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          providerCallId\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": typeof types.CampaignCallsPageDocument,
    "\n  subscription CampaignCallsUpdated($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      providerCallId\n      ...CallFeed_call\n    }\n  }\n": typeof types.CampaignCallsUpdatedDocument,
    "\n  mutation CallContact($campaignId: ID!, $contactId: ID!) {\n    callContact(campaignId: $campaignId, contactId: $contactId) {\n      id\n      campaignId\n      ...CallFeed_call\n    }\n  }\n": typeof types.CallContactDocument,
    "\n  fragment CampaignActions_campaign on Campaign {\n    id\n    status\n    startedAt\n    completedAt\n    scheduledAt\n  }\n": typeof types.CampaignActions_CampaignFragmentDoc,
    "\n  query CampaignActivityPage($id: ID!, $first: Int, $minutes: Int) {\n    campaign(id: $id) {\n      id\n      ...OutcomeChart_campaign\n      ...DispositionBreakdown_campaign\n      dispositions {\n        disposition\n        count\n      }\n      callsPerMinute(minutes: $minutes) {\n        asOf\n        buckets {\n          minute\n          calls\n        }\n      }\n      calls(first: $first) {\n        nodes {\n          id\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": typeof types.CampaignActivityPageDocument,
    "\n  subscription CampaignActivityCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      ...CallFeed_call\n    }\n  }\n": typeof types.CampaignActivityCallsDocument,
    "\n  fragment CampaignStats_stats on CampaignStats {\n    totalContacts\n    queuedCalls\n    activeCalls\n    retryScheduled\n    completedCalls\n    failedCalls\n    voicemailCalls\n    skippedContacts\n    totalAttempts\n    progress\n    successRate\n  }\n": typeof types.CampaignStats_StatsFragmentDoc,
    "\n  fragment CampaignCounters_campaign on Campaign {\n    id\n    name\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n": typeof types.CampaignCounters_CampaignFragmentDoc,
    "\n  query CampaignEditPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        ...CampaignForm_agent\n      }\n      phone {\n        id\n        ...CampaignForm_phone\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n": typeof types.CampaignEditPageDocument,
    "\n  fragment CampaignForm_agent on Agent {\n    id\n    name\n  }\n": typeof types.CampaignForm_AgentFragmentDoc,
    "\n  fragment CampaignForm_settings on CampaignSettings {\n    concurrentCallsLimit\n    retryFailedCalls\n    maxRetryAttempts\n    retryDelayMinutes\n    excludeVoicemail\n    priorityMode\n    ambiguousTimezones\n    retryRules {\n      outcome\n      maxAttempts\n      delayMinutes\n      backoff\n    }\n  }\n": typeof types.CampaignForm_SettingsFragmentDoc,
    "\n  fragment CampaignForm_phone on Phone {\n    id\n    name\n    number\n    provider\n  }\n": typeof types.CampaignForm_PhoneFragmentDoc,
    "\n  query CampaignNewPage {\n    agents {\n      id\n      ...CampaignForm_agent\n    }\n    phones {\n      id\n      ...CampaignForm_phone\n    }\n  }\n": typeof types.CampaignNewPageDocument,
    "\n  fragment CampaignRow_campaign on Campaign {\n    id\n    name\n    status\n    createdAt\n    agent {\n      id\n      name\n    }\n    stats {\n      totalContacts\n      activeCalls\n      completedCalls\n      failedCalls\n      voicemailCalls\n      skippedContacts\n      progress\n      successRate\n    }\n  }\n": typeof types.CampaignRow_CampaignFragmentDoc,
    "\n  query CampaignPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        name\n      }\n      phone {\n        id\n        name\n        number\n        provider\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n      ...CampaignActions_campaign\n      ...CampaignCounters_campaign\n    }\n  }\n": typeof types.CampaignPageDocument,
    "\n  subscription CampaignPageProgress($campaignId: ID!) {\n    campaignProgress(campaignId: $campaignId) {\n      campaignId\n      status\n      updatedAt\n      lastCallAt\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n": typeof types.CampaignPageProgressDocument,
    "\n  query CampaignsPage($status: CampaignStatus, $search: String, $first: Int, $after: String) {\n    campaigns(status: $status, search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...CampaignRow_campaign\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": typeof types.CampaignsPageDocument,
    "\n  subscription CampaignsPageUpdated {\n    campaignUpdated {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n": typeof types.CampaignsPageUpdatedDocument,
    "\n  fragment DispositionBreakdown_campaign on Campaign {\n    id\n    dispositions {\n      disposition\n      count\n    }\n  }\n": typeof types.DispositionBreakdown_CampaignFragmentDoc,
    "\n  fragment OutcomeChart_campaign on Campaign {\n    id\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n": typeof types.OutcomeChart_CampaignFragmentDoc,
    "\n  mutation StartCampaign($id: ID!) {\n    startCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": typeof types.StartCampaignDocument,
    "\n  mutation PauseCampaign($id: ID!) {\n    pauseCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": typeof types.PauseCampaignDocument,
    "\n  mutation ResumeCampaign($id: ID!) {\n    resumeCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": typeof types.ResumeCampaignDocument,
    "\n  mutation CancelCampaign($id: ID!) {\n    cancelCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": typeof types.CancelCampaignDocument,
    "\n  mutation RetryFailedContacts($id: ID!) {\n    retryFailedContacts(id: $id) {\n      id\n      ...CampaignActions_campaign\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n": typeof types.RetryFailedContactsDocument,
    "\n  mutation ScheduleCampaign($id: ID!, $at: DateTime!) {\n    scheduleCampaign(id: $id, at: $at) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": typeof types.ScheduleCampaignDocument,
    "\n  mutation DuplicateCampaign($id: ID!, $withContacts: Boolean) {\n    duplicateCampaign(id: $id, withContacts: $withContacts) {\n      id\n      name\n    }\n  }\n": typeof types.DuplicateCampaignDocument,
    "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n": typeof types.CreateCampaignDocument,
    "\n  mutation UpdateCampaign($id: ID!, $input: UpdateCampaignInput!) {\n    updateCampaign(id: $id, input: $input) {\n      id\n      name\n      description\n      updatedAt\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n": typeof types.UpdateCampaignDocument,
    "\n  query ImportAgent($id: ID!) {\n    campaign(id: $id) {\n      id\n      agent {\n        id\n        name\n        variables\n      }\n    }\n  }\n": typeof types.ImportAgentDocument,
    "\n  fragment ContactRow_contact on Contact {\n    id\n    phoneNumber\n    name\n    email\n    priority\n    timezone\n    status\n    skipReason\n    waitReason\n    attempts\n    lastOutcome\n    nextAttemptAt\n  }\n": typeof types.ContactRow_ContactFragmentDoc,
    "\n  query CampaignContactsPage($id: ID!, $status: ContactStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      status\n      contacts(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          ...ContactRow_contact\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": typeof types.CampaignContactsPageDocument,
    "\n  subscription CampaignContactsCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      status\n      contact {\n        id\n        ...ContactRow_contact\n      }\n    }\n  }\n": typeof types.CampaignContactsCallsDocument,
    "\n  mutation AddContacts($campaignId: ID!, $contacts: [ContactInput!]!) {\n    addContacts(campaignId: $campaignId, contacts: $contacts) {\n      accepted\n      duplicates\n      rejected {\n        index\n        phoneNumber\n        reason\n      }\n    }\n  }\n": typeof types.AddContactsDocument,
    "\n  subscription ImportProgress($id: ID!) {\n    importProgress(id: $id) {\n      id\n      status\n      fileSize\n      bytesRead\n      rowsRead\n      accepted\n      duplicates\n      rejected\n      errors {\n        row\n        phoneNumber\n        reason\n      }\n      truncated\n      error\n    }\n  }\n": typeof types.ImportProgressDocument,
    "\n  fragment DoNotCallRow_entry on DoNotCallEntry {\n    id\n    phoneNumber\n    createdAt\n    source {\n      kind\n      callId\n      campaignId\n      apiKeyId\n      apiKeyName\n      user {\n        id\n        email\n      }\n      campaign {\n        id\n        name\n      }\n    }\n  }\n": typeof types.DoNotCallRow_EntryFragmentDoc,
    "\n  query DoNotCallPage($search: String, $first: Int, $after: String) {\n    doNotCallEntries(search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...DoNotCallRow_entry\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": typeof types.DoNotCallPageDocument,
    "\n  mutation AddDoNotCall($phoneNumbers: [String!]!) {\n    addDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n": typeof types.AddDoNotCallDocument,
    "\n  mutation RemoveDoNotCall($phoneNumbers: [String!]!) {\n    removeDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n": typeof types.RemoveDoNotCallDocument,
    "\n  fragment PhoneRow_phone on Phone {\n    id\n    name\n    number\n    provider\n    providerPhoneId\n    isDefault\n    simulation {\n      busyRate\n      noAnswerRate\n      failRate\n      voicemailRate\n      invalidRate\n      optOutRate\n      callbackRate\n      minDurationMs\n      maxDurationMs\n    }\n  }\n": typeof types.PhoneRow_PhoneFragmentDoc,
    "\n  query PhonesPage {\n    phones {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": typeof types.PhonesPageDocument,
    "\n  mutation CreatePhone($input: PhoneInput!) {\n    createPhone(input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": typeof types.CreatePhoneDocument,
    "\n  mutation UpdatePhone($id: ID!, $input: UpdatePhoneInput!) {\n    updatePhone(id: $id, input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": typeof types.UpdatePhoneDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query ApiKeysPage {\n    apiKeys {\n      id\n      name\n      role\n      prefix\n      createdAt\n      lastUsedAt\n    }\n  }\n": typeof types.ApiKeysPageDocument,
    "\n  mutation CreateApiKey($input: ApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        role\n        prefix\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query OrganizationPage {\n    organization {\n      id\n      name\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n": typeof types.OrganizationPageDocument,
    "\n  mutation UpdateOrganizationSettings($input: OrganizationSettingsInput!) {\n    updateOrganizationSettings(input: $input) {\n      id\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n": typeof types.UpdateOrganizationSettingsDocument,
    "\n  query CurrentRole {\n    me {\n      id\n      role\n    }\n  }\n": typeof types.CurrentRoleDocument,
    "\n  query UsersPage {\n    users {\n      id\n      email\n      role\n    }\n  }\n": typeof types.UsersPageDocument,
    "\n  mutation UpdateUserRole($id: ID!, $role: Role!) {\n    updateUserRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n": typeof types.UpdateUserRoleDocument,
    "\n  mutation RemoveUser($id: ID!) {\n    removeUser(id: $id)\n  }\n": typeof types.RemoveUserDocument,
    "\n  mutation AddUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n": typeof types.AddUserDocument,
    "\n  query WebhooksPage {\n    webhookEndpoints {\n      id\n      url\n      events\n      enabled\n      disabledReason\n      createdAt\n    }\n  }\n": typeof types.WebhooksPageDocument,
    "\n  query WebhookDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 50) {\n      totalCount\n      nodes {\n        id\n        event\n        attempt\n        responseStatus\n        delivered\n        error\n        createdAt\n        nextAttemptAt\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        id\n        url\n        events\n        enabled\n        disabledReason\n        createdAt\n      }\n    }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  query Shell {\n    me {\n      id\n      email\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ShellDocument,
};
const documents: Documents = {
    "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    description\n    createdAt\n    kind\n    externalId\n    url\n    variables\n  }\n": types.AgentRow_AgentFragmentDoc,
    "\n  query AgentsPage {\n    agents {\n      id\n      ...AgentRow_agent\n    }\n  }\n": types.AgentsPageDocument,
    "\n  mutation CreateAgent($input: AgentInput!) {\n    createAgent(input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n": types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n": types.UpdateAgentDocument,
    "\n  query CallDetailPage($id: ID!) {\n    call(id: $id) {\n      id\n      campaignId\n      attempt\n      status\n      providerCallId\n      startedAt\n      answeredAt\n      endedAt\n      durationSeconds\n      error\n      variables\n      transcript {\n        speaker\n        text\n        at\n      }\n      recordingUrl\n      summary\n      disposition\n      callbackAt\n      optOut\n      analysis\n      endedReason\n      contact {\n        id\n        name\n        phoneNumber\n      }\n    }\n  }\n": types.CallDetailPageDocument,
    "\n  fragment CallFeed_call on Call {\n    id\n    attempt\n    status\n    startedAt\n    answeredAt\n    endedAt\n    durationSeconds\n    error\n    disposition\n    summary\n    contact {\n      id\n      name\n      phoneNumber\n      status\n      attempts\n      lastOutcome\n      nextAttemptAt\n    }\n  }\n": types.CallFeed_CallFragmentDoc,
    "\n  query CampaignCallsPage($id: ID!, $status: CallStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      name\n      calls(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          providerCallId\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": types.CampaignCallsPageDocument,
    "\n  subscription CampaignCallsUpdated($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      providerCallId\n      ...CallFeed_call\n    }\n  }\n": types.CampaignCallsUpdatedDocument,
    "\n  mutation CallContact($campaignId: ID!, $contactId: ID!) {\n    callContact(campaignId: $campaignId, contactId: $contactId) {\n      id\n      campaignId\n      ...CallFeed_call\n    }\n  }\n": types.CallContactDocument,
    "\n  fragment CampaignActions_campaign on Campaign {\n    id\n    status\n    startedAt\n    completedAt\n    scheduledAt\n  }\n": types.CampaignActions_CampaignFragmentDoc,
    "\n  query CampaignActivityPage($id: ID!, $first: Int, $minutes: Int) {\n    campaign(id: $id) {\n      id\n      ...OutcomeChart_campaign\n      ...DispositionBreakdown_campaign\n      dispositions {\n        disposition\n        count\n      }\n      callsPerMinute(minutes: $minutes) {\n        asOf\n        buckets {\n          minute\n          calls\n        }\n      }\n      calls(first: $first) {\n        nodes {\n          id\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": types.CampaignActivityPageDocument,
    "\n  subscription CampaignActivityCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      ...CallFeed_call\n    }\n  }\n": types.CampaignActivityCallsDocument,
    "\n  fragment CampaignStats_stats on CampaignStats {\n    totalContacts\n    queuedCalls\n    activeCalls\n    retryScheduled\n    completedCalls\n    failedCalls\n    voicemailCalls\n    skippedContacts\n    totalAttempts\n    progress\n    successRate\n  }\n": types.CampaignStats_StatsFragmentDoc,
    "\n  fragment CampaignCounters_campaign on Campaign {\n    id\n    name\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n": types.CampaignCounters_CampaignFragmentDoc,
    "\n  query CampaignEditPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        ...CampaignForm_agent\n      }\n      phone {\n        id\n        ...CampaignForm_phone\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n": types.CampaignEditPageDocument,
    "\n  fragment CampaignForm_agent on Agent {\n    id\n    name\n  }\n": types.CampaignForm_AgentFragmentDoc,
    "\n  fragment CampaignForm_settings on CampaignSettings {\n    concurrentCallsLimit\n    retryFailedCalls\n    maxRetryAttempts\n    retryDelayMinutes\n    excludeVoicemail\n    priorityMode\n    ambiguousTimezones\n    retryRules {\n      outcome\n      maxAttempts\n      delayMinutes\n      backoff\n    }\n  }\n": types.CampaignForm_SettingsFragmentDoc,
    "\n  fragment CampaignForm_phone on Phone {\n    id\n    name\n    number\n    provider\n  }\n": types.CampaignForm_PhoneFragmentDoc,
    "\n  query CampaignNewPage {\n    agents {\n      id\n      ...CampaignForm_agent\n    }\n    phones {\n      id\n      ...CampaignForm_phone\n    }\n  }\n": types.CampaignNewPageDocument,
    "\n  fragment CampaignRow_campaign on Campaign {\n    id\n    name\n    status\n    createdAt\n    agent {\n      id\n      name\n    }\n    stats {\n      totalContacts\n      activeCalls\n      completedCalls\n      failedCalls\n      voicemailCalls\n      skippedContacts\n      progress\n      successRate\n    }\n  }\n": types.CampaignRow_CampaignFragmentDoc,
    "\n  query CampaignPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        name\n      }\n      phone {\n        id\n        name\n        number\n        provider\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n      ...CampaignActions_campaign\n      ...CampaignCounters_campaign\n    }\n  }\n": types.CampaignPageDocument,
    "\n  subscription CampaignPageProgress($campaignId: ID!) {\n    campaignProgress(campaignId: $campaignId) {\n      campaignId\n      status\n      updatedAt\n      lastCallAt\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n": types.CampaignPageProgressDocument,
    "\n  query CampaignsPage($status: CampaignStatus, $search: String, $first: Int, $after: String) {\n    campaigns(status: $status, search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...CampaignRow_campaign\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": types.CampaignsPageDocument,
    "\n  subscription CampaignsPageUpdated {\n    campaignUpdated {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n": types.CampaignsPageUpdatedDocument,
    "\n  fragment DispositionBreakdown_campaign on Campaign {\n    id\n    dispositions {\n      disposition\n      count\n    }\n  }\n": types.DispositionBreakdown_CampaignFragmentDoc,
    "\n  fragment OutcomeChart_campaign on Campaign {\n    id\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n": types.OutcomeChart_CampaignFragmentDoc,
    "\n  mutation StartCampaign($id: ID!) {\n    startCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": types.StartCampaignDocument,
    "\n  mutation PauseCampaign($id: ID!) {\n    pauseCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": types.PauseCampaignDocument,
    "\n  mutation ResumeCampaign($id: ID!) {\n    resumeCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": types.ResumeCampaignDocument,
    "\n  mutation CancelCampaign($id: ID!) {\n    cancelCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": types.CancelCampaignDocument,
    "\n  mutation RetryFailedContacts($id: ID!) {\n    retryFailedContacts(id: $id) {\n      id\n      ...CampaignActions_campaign\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n": types.RetryFailedContactsDocument,
    "\n  mutation ScheduleCampaign($id: ID!, $at: DateTime!) {\n    scheduleCampaign(id: $id, at: $at) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n": types.ScheduleCampaignDocument,
    "\n  mutation DuplicateCampaign($id: ID!, $withContacts: Boolean) {\n    duplicateCampaign(id: $id, withContacts: $withContacts) {\n      id\n      name\n    }\n  }\n": types.DuplicateCampaignDocument,
    "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n": types.CreateCampaignDocument,
    "\n  mutation UpdateCampaign($id: ID!, $input: UpdateCampaignInput!) {\n    updateCampaign(id: $id, input: $input) {\n      id\n      name\n      description\n      updatedAt\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n": types.UpdateCampaignDocument,
    "\n  query ImportAgent($id: ID!) {\n    campaign(id: $id) {\n      id\n      agent {\n        id\n        name\n        variables\n      }\n    }\n  }\n": types.ImportAgentDocument,
    "\n  fragment ContactRow_contact on Contact {\n    id\n    phoneNumber\n    name\n    email\n    priority\n    timezone\n    status\n    skipReason\n    waitReason\n    attempts\n    lastOutcome\n    nextAttemptAt\n  }\n": types.ContactRow_ContactFragmentDoc,
    "\n  query CampaignContactsPage($id: ID!, $status: ContactStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      status\n      contacts(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          ...ContactRow_contact\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n": types.CampaignContactsPageDocument,
    "\n  subscription CampaignContactsCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      status\n      contact {\n        id\n        ...ContactRow_contact\n      }\n    }\n  }\n": types.CampaignContactsCallsDocument,
    "\n  mutation AddContacts($campaignId: ID!, $contacts: [ContactInput!]!) {\n    addContacts(campaignId: $campaignId, contacts: $contacts) {\n      accepted\n      duplicates\n      rejected {\n        index\n        phoneNumber\n        reason\n      }\n    }\n  }\n": types.AddContactsDocument,
    "\n  subscription ImportProgress($id: ID!) {\n    importProgress(id: $id) {\n      id\n      status\n      fileSize\n      bytesRead\n      rowsRead\n      accepted\n      duplicates\n      rejected\n      errors {\n        row\n        phoneNumber\n        reason\n      }\n      truncated\n      error\n    }\n  }\n": types.ImportProgressDocument,
    "\n  fragment DoNotCallRow_entry on DoNotCallEntry {\n    id\n    phoneNumber\n    createdAt\n    source {\n      kind\n      callId\n      campaignId\n      apiKeyId\n      apiKeyName\n      user {\n        id\n        email\n      }\n      campaign {\n        id\n        name\n      }\n    }\n  }\n": types.DoNotCallRow_EntryFragmentDoc,
    "\n  query DoNotCallPage($search: String, $first: Int, $after: String) {\n    doNotCallEntries(search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...DoNotCallRow_entry\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": types.DoNotCallPageDocument,
    "\n  mutation AddDoNotCall($phoneNumbers: [String!]!) {\n    addDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n": types.AddDoNotCallDocument,
    "\n  mutation RemoveDoNotCall($phoneNumbers: [String!]!) {\n    removeDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n": types.RemoveDoNotCallDocument,
    "\n  fragment PhoneRow_phone on Phone {\n    id\n    name\n    number\n    provider\n    providerPhoneId\n    isDefault\n    simulation {\n      busyRate\n      noAnswerRate\n      failRate\n      voicemailRate\n      invalidRate\n      optOutRate\n      callbackRate\n      minDurationMs\n      maxDurationMs\n    }\n  }\n": types.PhoneRow_PhoneFragmentDoc,
    "\n  query PhonesPage {\n    phones {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": types.PhonesPageDocument,
    "\n  mutation CreatePhone($input: PhoneInput!) {\n    createPhone(input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": types.CreatePhoneDocument,
    "\n  mutation UpdatePhone($id: ID!, $input: UpdatePhoneInput!) {\n    updatePhone(id: $id, input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n": types.UpdatePhoneDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  query ApiKeysPage {\n    apiKeys {\n      id\n      name\n      role\n      prefix\n      createdAt\n      lastUsedAt\n    }\n  }\n": types.ApiKeysPageDocument,
    "\n  mutation CreateApiKey($input: ApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        role\n        prefix\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": types.RevokeApiKeyDocument,
    "\n  query OrganizationPage {\n    organization {\n      id\n      name\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n": types.OrganizationPageDocument,
    "\n  mutation UpdateOrganizationSettings($input: OrganizationSettingsInput!) {\n    updateOrganizationSettings(input: $input) {\n      id\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n": types.UpdateOrganizationSettingsDocument,
    "\n  query CurrentRole {\n    me {\n      id\n      role\n    }\n  }\n": types.CurrentRoleDocument,
    "\n  query UsersPage {\n    users {\n      id\n      email\n      role\n    }\n  }\n": types.UsersPageDocument,
    "\n  mutation UpdateUserRole($id: ID!, $role: Role!) {\n    updateUserRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n": types.UpdateUserRoleDocument,
    "\n  mutation RemoveUser($id: ID!) {\n    removeUser(id: $id)\n  }\n": types.RemoveUserDocument,
    "\n  mutation AddUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n": types.AddUserDocument,
    "\n  query WebhooksPage {\n    webhookEndpoints {\n      id\n      url\n      events\n      enabled\n      disabledReason\n      createdAt\n    }\n  }\n": types.WebhooksPageDocument,
    "\n  query WebhookDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 50) {\n      totalCount\n      nodes {\n        id\n        event\n        attempt\n        responseStatus\n        delivered\n        error\n        createdAt\n        nextAttemptAt\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        id\n        url\n        events\n        enabled\n        disabledReason\n        createdAt\n      }\n    }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": types.DeleteWebhookEndpointDocument,
    "\n  query Shell {\n    me {\n      id\n      email\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n": types.ShellDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    description\n    createdAt\n    kind\n    externalId\n    url\n    variables\n  }\n"): (typeof documents)["\n  fragment AgentRow_agent on Agent {\n    id\n    name\n    description\n    createdAt\n    kind\n    externalId\n    url\n    variables\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentsPage {\n    agents {\n      id\n      ...AgentRow_agent\n    }\n  }\n"): (typeof documents)["\n  query AgentsPage {\n    agents {\n      id\n      ...AgentRow_agent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: AgentInput!) {\n    createAgent(input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAgent($input: AgentInput!) {\n    createAgent(input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      ...AgentRow_agent\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CallDetailPage($id: ID!) {\n    call(id: $id) {\n      id\n      campaignId\n      attempt\n      status\n      providerCallId\n      startedAt\n      answeredAt\n      endedAt\n      durationSeconds\n      error\n      variables\n      transcript {\n        speaker\n        text\n        at\n      }\n      recordingUrl\n      summary\n      disposition\n      callbackAt\n      optOut\n      analysis\n      endedReason\n      contact {\n        id\n        name\n        phoneNumber\n      }\n    }\n  }\n"): (typeof documents)["\n  query CallDetailPage($id: ID!) {\n    call(id: $id) {\n      id\n      campaignId\n      attempt\n      status\n      providerCallId\n      startedAt\n      answeredAt\n      endedAt\n      durationSeconds\n      error\n      variables\n      transcript {\n        speaker\n        text\n        at\n      }\n      recordingUrl\n      summary\n      disposition\n      callbackAt\n      optOut\n      analysis\n      endedReason\n      contact {\n        id\n        name\n        phoneNumber\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CallFeed_call on Call {\n    id\n    attempt\n    status\n    startedAt\n    answeredAt\n    endedAt\n    durationSeconds\n    error\n    disposition\n    summary\n    contact {\n      id\n      name\n      phoneNumber\n      status\n      attempts\n      lastOutcome\n      nextAttemptAt\n    }\n  }\n"): (typeof documents)["\n  fragment CallFeed_call on Call {\n    id\n    attempt\n    status\n    startedAt\n    answeredAt\n    endedAt\n    durationSeconds\n    error\n    disposition\n    summary\n    contact {\n      id\n      name\n      phoneNumber\n      status\n      attempts\n      lastOutcome\n      nextAttemptAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignCallsPage($id: ID!, $status: CallStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      name\n      calls(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          providerCallId\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignCallsPage($id: ID!, $status: CallStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      name\n      calls(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          providerCallId\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignCallsUpdated($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      providerCallId\n      ...CallFeed_call\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignCallsUpdated($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      providerCallId\n      ...CallFeed_call\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CallContact($campaignId: ID!, $contactId: ID!) {\n    callContact(campaignId: $campaignId, contactId: $contactId) {\n      id\n      campaignId\n      ...CallFeed_call\n    }\n  }\n"): (typeof documents)["\n  mutation CallContact($campaignId: ID!, $contactId: ID!) {\n    callContact(campaignId: $campaignId, contactId: $contactId) {\n      id\n      campaignId\n      ...CallFeed_call\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignActions_campaign on Campaign {\n    id\n    status\n    startedAt\n    completedAt\n    scheduledAt\n  }\n"): (typeof documents)["\n  fragment CampaignActions_campaign on Campaign {\n    id\n    status\n    startedAt\n    completedAt\n    scheduledAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignActivityPage($id: ID!, $first: Int, $minutes: Int) {\n    campaign(id: $id) {\n      id\n      ...OutcomeChart_campaign\n      ...DispositionBreakdown_campaign\n      dispositions {\n        disposition\n        count\n      }\n      callsPerMinute(minutes: $minutes) {\n        asOf\n        buckets {\n          minute\n          calls\n        }\n      }\n      calls(first: $first) {\n        nodes {\n          id\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignActivityPage($id: ID!, $first: Int, $minutes: Int) {\n    campaign(id: $id) {\n      id\n      ...OutcomeChart_campaign\n      ...DispositionBreakdown_campaign\n      dispositions {\n        disposition\n        count\n      }\n      callsPerMinute(minutes: $minutes) {\n        asOf\n        buckets {\n          minute\n          calls\n        }\n      }\n      calls(first: $first) {\n        nodes {\n          id\n          ...CallFeed_call\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignActivityCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      ...CallFeed_call\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignActivityCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      ...CallFeed_call\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignStats_stats on CampaignStats {\n    totalContacts\n    queuedCalls\n    activeCalls\n    retryScheduled\n    completedCalls\n    failedCalls\n    voicemailCalls\n    skippedContacts\n    totalAttempts\n    progress\n    successRate\n  }\n"): (typeof documents)["\n  fragment CampaignStats_stats on CampaignStats {\n    totalContacts\n    queuedCalls\n    activeCalls\n    retryScheduled\n    completedCalls\n    failedCalls\n    voicemailCalls\n    skippedContacts\n    totalAttempts\n    progress\n    successRate\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignCounters_campaign on Campaign {\n    id\n    name\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n"): (typeof documents)["\n  fragment CampaignCounters_campaign on Campaign {\n    id\n    name\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignEditPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        ...CampaignForm_agent\n      }\n      phone {\n        id\n        ...CampaignForm_phone\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignEditPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        ...CampaignForm_agent\n      }\n      phone {\n        id\n        ...CampaignForm_phone\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignForm_agent on Agent {\n    id\n    name\n  }\n"): (typeof documents)["\n  fragment CampaignForm_agent on Agent {\n    id\n    name\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignForm_settings on CampaignSettings {\n    concurrentCallsLimit\n    retryFailedCalls\n    maxRetryAttempts\n    retryDelayMinutes\n    excludeVoicemail\n    priorityMode\n    ambiguousTimezones\n    retryRules {\n      outcome\n      maxAttempts\n      delayMinutes\n      backoff\n    }\n  }\n"): (typeof documents)["\n  fragment CampaignForm_settings on CampaignSettings {\n    concurrentCallsLimit\n    retryFailedCalls\n    maxRetryAttempts\n    retryDelayMinutes\n    excludeVoicemail\n    priorityMode\n    ambiguousTimezones\n    retryRules {\n      outcome\n      maxAttempts\n      delayMinutes\n      backoff\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignForm_phone on Phone {\n    id\n    name\n    number\n    provider\n  }\n"): (typeof documents)["\n  fragment CampaignForm_phone on Phone {\n    id\n    name\n    number\n    provider\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignNewPage {\n    agents {\n      id\n      ...CampaignForm_agent\n    }\n    phones {\n      id\n      ...CampaignForm_phone\n    }\n  }\n"): (typeof documents)["\n  query CampaignNewPage {\n    agents {\n      id\n      ...CampaignForm_agent\n    }\n    phones {\n      id\n      ...CampaignForm_phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CampaignRow_campaign on Campaign {\n    id\n    name\n    status\n    createdAt\n    agent {\n      id\n      name\n    }\n    stats {\n      totalContacts\n      activeCalls\n      completedCalls\n      failedCalls\n      voicemailCalls\n      skippedContacts\n      progress\n      successRate\n    }\n  }\n"): (typeof documents)["\n  fragment CampaignRow_campaign on Campaign {\n    id\n    name\n    status\n    createdAt\n    agent {\n      id\n      name\n    }\n    stats {\n      totalContacts\n      activeCalls\n      completedCalls\n      failedCalls\n      voicemailCalls\n      skippedContacts\n      progress\n      successRate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        name\n      }\n      phone {\n        id\n        name\n        number\n        provider\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n      ...CampaignActions_campaign\n      ...CampaignCounters_campaign\n    }\n  }\n"): (typeof documents)["\n  query CampaignPage($id: ID!) {\n    campaign(id: $id) {\n      id\n      name\n      description\n      status\n      agent {\n        id\n        name\n      }\n      phone {\n        id\n        name\n        number\n        provider\n      }\n      settings {\n        ...CampaignForm_settings\n      }\n      ...CampaignActions_campaign\n      ...CampaignCounters_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignPageProgress($campaignId: ID!) {\n    campaignProgress(campaignId: $campaignId) {\n      campaignId\n      status\n      updatedAt\n      lastCallAt\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignPageProgress($campaignId: ID!) {\n    campaignProgress(campaignId: $campaignId) {\n      campaignId\n      status\n      updatedAt\n      lastCallAt\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignsPage($status: CampaignStatus, $search: String, $first: Int, $after: String) {\n    campaigns(status: $status, search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...CampaignRow_campaign\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query CampaignsPage($status: CampaignStatus, $search: String, $first: Int, $after: String) {\n    campaigns(status: $status, search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...CampaignRow_campaign\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignsPageUpdated {\n    campaignUpdated {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignsPageUpdated {\n    campaignUpdated {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DispositionBreakdown_campaign on Campaign {\n    id\n    dispositions {\n      disposition\n      count\n    }\n  }\n"): (typeof documents)["\n  fragment DispositionBreakdown_campaign on Campaign {\n    id\n    dispositions {\n      disposition\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OutcomeChart_campaign on Campaign {\n    id\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n"): (typeof documents)["\n  fragment OutcomeChart_campaign on Campaign {\n    id\n    stats {\n      ...CampaignStats_stats\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartCampaign($id: ID!) {\n    startCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation StartCampaign($id: ID!) {\n    startCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseCampaign($id: ID!) {\n    pauseCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation PauseCampaign($id: ID!) {\n    pauseCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeCampaign($id: ID!) {\n    resumeCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeCampaign($id: ID!) {\n    resumeCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelCampaign($id: ID!) {\n    cancelCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation CancelCampaign($id: ID!) {\n    cancelCampaign(id: $id) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryFailedContacts($id: ID!) {\n    retryFailedContacts(id: $id) {\n      id\n      ...CampaignActions_campaign\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RetryFailedContacts($id: ID!) {\n    retryFailedContacts(id: $id) {\n      id\n      ...CampaignActions_campaign\n      stats {\n        ...CampaignStats_stats\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ScheduleCampaign($id: ID!, $at: DateTime!) {\n    scheduleCampaign(id: $id, at: $at) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation ScheduleCampaign($id: ID!, $at: DateTime!) {\n    scheduleCampaign(id: $id, at: $at) {\n      id\n      ...CampaignActions_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DuplicateCampaign($id: ID!, $withContacts: Boolean) {\n    duplicateCampaign(id: $id, withContacts: $withContacts) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation DuplicateCampaign($id: ID!, $withContacts: Boolean) {\n    duplicateCampaign(id: $id, withContacts: $withContacts) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCampaign($input: CreateCampaignInput!) {\n    createCampaign(input: $input) {\n      id\n      ...CampaignRow_campaign\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCampaign($id: ID!, $input: UpdateCampaignInput!) {\n    updateCampaign(id: $id, input: $input) {\n      id\n      name\n      description\n      updatedAt\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCampaign($id: ID!, $input: UpdateCampaignInput!) {\n    updateCampaign(id: $id, input: $input) {\n      id\n      name\n      description\n      updatedAt\n      settings {\n        ...CampaignForm_settings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportAgent($id: ID!) {\n    campaign(id: $id) {\n      id\n      agent {\n        id\n        name\n        variables\n      }\n    }\n  }\n"): (typeof documents)["\n  query ImportAgent($id: ID!) {\n    campaign(id: $id) {\n      id\n      agent {\n        id\n        name\n        variables\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ContactRow_contact on Contact {\n    id\n    phoneNumber\n    name\n    email\n    priority\n    timezone\n    status\n    skipReason\n    waitReason\n    attempts\n    lastOutcome\n    nextAttemptAt\n  }\n"): (typeof documents)["\n  fragment ContactRow_contact on Contact {\n    id\n    phoneNumber\n    name\n    email\n    priority\n    timezone\n    status\n    skipReason\n    waitReason\n    attempts\n    lastOutcome\n    nextAttemptAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignContactsPage($id: ID!, $status: ContactStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      status\n      contacts(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          ...ContactRow_contact\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignContactsPage($id: ID!, $status: ContactStatus, $first: Int, $after: String) {\n    campaign(id: $id) {\n      id\n      status\n      contacts(status: $status, first: $first, after: $after) {\n        nodes {\n          id\n          ...ContactRow_contact\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        totalCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CampaignContactsCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      status\n      contact {\n        id\n        ...ContactRow_contact\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription CampaignContactsCalls($campaignId: ID!) {\n    callUpdated(campaignId: $campaignId) {\n      id\n      status\n      contact {\n        id\n        ...ContactRow_contact\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddContacts($campaignId: ID!, $contacts: [ContactInput!]!) {\n    addContacts(campaignId: $campaignId, contacts: $contacts) {\n      accepted\n      duplicates\n      rejected {\n        index\n        phoneNumber\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddContacts($campaignId: ID!, $contacts: [ContactInput!]!) {\n    addContacts(campaignId: $campaignId, contacts: $contacts) {\n      accepted\n      duplicates\n      rejected {\n        index\n        phoneNumber\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ImportProgress($id: ID!) {\n    importProgress(id: $id) {\n      id\n      status\n      fileSize\n      bytesRead\n      rowsRead\n      accepted\n      duplicates\n      rejected\n      errors {\n        row\n        phoneNumber\n        reason\n      }\n      truncated\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription ImportProgress($id: ID!) {\n    importProgress(id: $id) {\n      id\n      status\n      fileSize\n      bytesRead\n      rowsRead\n      accepted\n      duplicates\n      rejected\n      errors {\n        row\n        phoneNumber\n        reason\n      }\n      truncated\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DoNotCallRow_entry on DoNotCallEntry {\n    id\n    phoneNumber\n    createdAt\n    source {\n      kind\n      callId\n      campaignId\n      apiKeyId\n      apiKeyName\n      user {\n        id\n        email\n      }\n      campaign {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DoNotCallRow_entry on DoNotCallEntry {\n    id\n    phoneNumber\n    createdAt\n    source {\n      kind\n      callId\n      campaignId\n      apiKeyId\n      apiKeyName\n      user {\n        id\n        email\n      }\n      campaign {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DoNotCallPage($search: String, $first: Int, $after: String) {\n    doNotCallEntries(search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...DoNotCallRow_entry\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query DoNotCallPage($search: String, $first: Int, $after: String) {\n    doNotCallEntries(search: $search, first: $first, after: $after) {\n      nodes {\n        id\n        ...DoNotCallRow_entry\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddDoNotCall($phoneNumbers: [String!]!) {\n    addDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n"): (typeof documents)["\n  mutation AddDoNotCall($phoneNumbers: [String!]!) {\n    addDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveDoNotCall($phoneNumbers: [String!]!) {\n    removeDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n"): (typeof documents)["\n  mutation RemoveDoNotCall($phoneNumbers: [String!]!) {\n    removeDoNotCall(phoneNumbers: $phoneNumbers)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PhoneRow_phone on Phone {\n    id\n    name\n    number\n    provider\n    providerPhoneId\n    isDefault\n    simulation {\n      busyRate\n      noAnswerRate\n      failRate\n      voicemailRate\n      invalidRate\n      optOutRate\n      callbackRate\n      minDurationMs\n      maxDurationMs\n    }\n  }\n"): (typeof documents)["\n  fragment PhoneRow_phone on Phone {\n    id\n    name\n    number\n    provider\n    providerPhoneId\n    isDefault\n    simulation {\n      busyRate\n      noAnswerRate\n      failRate\n      voicemailRate\n      invalidRate\n      optOutRate\n      callbackRate\n      minDurationMs\n      maxDurationMs\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PhonesPage {\n    phones {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"): (typeof documents)["\n  query PhonesPage {\n    phones {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePhone($input: PhoneInput!) {\n    createPhone(input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePhone($input: PhoneInput!) {\n    createPhone(input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePhone($id: ID!, $input: UpdatePhoneInput!) {\n    updatePhone(id: $id, input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePhone($id: ID!, $input: UpdatePhoneInput!) {\n    updatePhone(id: $id, input: $input) {\n      id\n      ...PhoneRow_phone\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        id\n        email\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeysPage {\n    apiKeys {\n      id\n      name\n      role\n      prefix\n      createdAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query ApiKeysPage {\n    apiKeys {\n      id\n      name\n      role\n      prefix\n      createdAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: ApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        role\n        prefix\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: ApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        role\n        prefix\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrganizationPage {\n    organization {\n      id\n      name\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n"): (typeof documents)["\n  query OrganizationPage {\n    organization {\n      id\n      name\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateOrganizationSettings($input: OrganizationSettingsInput!) {\n    updateOrganizationSettings(input: $input) {\n      id\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateOrganizationSettings($input: OrganizationSettingsInput!) {\n    updateOrganizationSettings(input: $input) {\n      id\n      settings {\n        maxCallsPerNumberPerDay\n        maxCallsPerNumberPerWeek\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrentRole {\n    me {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  query CurrentRole {\n    me {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersPage {\n    users {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  query UsersPage {\n    users {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUserRole($id: ID!, $role: Role!) {\n    updateUserRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateUserRole($id: ID!, $role: Role!) {\n    updateUserRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveUser($id: ID!) {\n    removeUser(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveUser($id: ID!) {\n    removeUser(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation AddUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhooksPage {\n    webhookEndpoints {\n      id\n      url\n      events\n      enabled\n      disabledReason\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query WebhooksPage {\n    webhookEndpoints {\n      id\n      url\n      events\n      enabled\n      disabledReason\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 50) {\n      totalCount\n      nodes {\n        id\n        event\n        attempt\n        responseStatus\n        delivered\n        error\n        createdAt\n        nextAttemptAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($endpointId: ID!) {\n    webhookDeliveries(endpointId: $endpointId, first: 50) {\n      totalCount\n      nodes {\n        id\n        event\n        attempt\n        responseStatus\n        delivered\n        error\n        createdAt\n        nextAttemptAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        id\n        url\n        events\n        enabled\n        disabledReason\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        id\n        url\n        events\n        enabled\n        disabledReason\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Shell {\n    me {\n      id\n      email\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Shell {\n    me {\n      id\n      email\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;