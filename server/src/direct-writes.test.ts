import mongoose, { Types } from 'mongoose';
import { startTestInfra } from './test/harness';
import type { TestInfra } from './test/harness';
import { CallModel } from './calls/call.model';
import { CampaignModel } from './campaigns/campaign.model';
import { ContactModel } from './contacts/contact.model';
import {
  campaignUpdate,
  contactFindAndUpdate,
  contactUpdate,
  insertCall,
  newCallDoc,
  recordProviderCallId,
} from './direct-writes';
import type { NewCall } from './direct-writes';

// The engine's driver-level writes must store what mongoose would have stored.
describe('direct writes', () => {
  let infra: TestInfra;

  beforeAll(async () => {
    infra = await startTestInfra();
    // Command events: the batching tests count what reaches the server.
    await mongoose.connect(infra.mongoUri, { monitorCommands: true });
    await CallModel.createIndexes();
  });

  afterAll(async () => {
    await mongoose.disconnect();
    await infra?.stop();
  });

  const fields = (): NewCall => ({
    _id: new Types.ObjectId(),
    organizationId: new Types.ObjectId(),
    campaignId: new Types.ObjectId(),
    contactId: new Types.ObjectId(),
    phoneId: new Types.ObjectId(),
    attempt: 1,
    provider: 'SIMULATED',
    callbackToken: 'token',
    startedAt: new Date(),
    leaseExpiresAt: new Date(),
    slotId: '1-0',
  });

  it('inserts a call with the same fields and defaults as CallModel.create', async () => {
    const viaMongoose = (await CallModel.create(fields())).toObject() as unknown as Record<string, unknown>;
    const direct = await insertCall(fields());
    const stored = (await CallModel.collection.findOne({ _id: direct._id })) as Record<string, unknown>;
    // Schema changes (a new field with a default) must be mirrored in newCallDoc.
    expect(Object.keys(stored).sort()).toEqual(Object.keys(viaMongoose).sort());
    expect(Object.keys(newCallDoc(fields())).sort()).toEqual(Object.keys(viaMongoose).sort());
    for (const key of ['status', 'providerCallId', 'answeredAt', 'endedAt', 'durationSeconds', 'error', '__v'])
      expect(stored[key]).toEqual(viaMongoose[key]);
    expect(stored['createdAt']).toBeInstanceOf(Date);
    // Hydrates and validates as a mongoose document would.
    await expect((await CallModel.findById(direct._id))!.validate()).resolves.toBeUndefined();
  });

  it('refuses a second call for the same attempt with E11000, as the unique index says', async () => {
    const first = fields();
    await insertCall(first);
    await expect(insertCall({ ...first, _id: new Types.ObjectId() })).rejects.toMatchObject({ code: 11000 });
  });

  it('stamps updatedAt on every update (the sweeper relies on contacts being touched)', async () => {
    const old = new Date(Date.now() - 60_000);
    const contact = await ContactModel.create({
      organizationId: new Types.ObjectId(),
      campaignId: new Types.ObjectId(),
      phoneNumber: '+14155550100',
    });
    await ContactModel.collection.updateOne({ _id: contact._id }, { $set: { updatedAt: old } });
    const before = await contactFindAndUpdate(
      { _id: contact._id, status: 'QUEUED' },
      { $set: { status: 'CALLING' }, $inc: { attempts: 1 } },
      { returnDocument: 'before' },
    );
    expect(before?.status).toBe('QUEUED');
    const claimed = await ContactModel.findById(contact._id).lean();
    expect(claimed?.status).toBe('CALLING');
    expect(claimed?.attempts).toBe(1);
    expect(claimed!.updatedAt.getTime()).toBeGreaterThan(old.getTime());

    await ContactModel.collection.updateOne({ _id: contact._id }, { $set: { updatedAt: old } });
    expect(await contactUpdate({ _id: contact._id, status: 'CALLING' }, { $set: { status: 'COMPLETED' } })).toBe(true);
    expect(await contactUpdate({ _id: contact._id, status: 'CALLING' }, { $set: { status: 'FAILED' } })).toBe(false);
    const done = await ContactModel.findById(contact._id).lean();
    expect(done?.status).toBe('COMPLETED');
    expect(done!.updatedAt.getTime()).toBeGreaterThan(old.getTime());

    const campaign = await CampaignModel.create({
      organizationId: new Types.ObjectId(),
      name: 'c',
      agentId: new Types.ObjectId(),
      phoneId: new Types.ObjectId(),
    });
    const after = await campaignUpdate<{ revision: number; updatedAt: Date; name?: string }>(
      campaign._id,
      { $inc: { revision: 1 } },
      { revision: 1, updatedAt: 1 },
    );
    expect(after?.revision).toBe(1);
    expect(after?.name).toBeUndefined();
    expect(after!.updatedAt.getTime()).toBeGreaterThanOrEqual(campaign.updatedAt.getTime());
  });

  it('sends the calls of one turn as one insert, each keeping its own duplicate error', async () => {
    const first = fields();
    await insertCall(first);
    const client = mongoose.connection.getClient();
    const inserts: number[] = [];
    const onStart = (e: { commandName: string; command: { documents?: unknown[] } }) => {
      if (e.commandName === 'insert') inserts.push(e.command.documents?.length ?? 0);
    };
    client.on('commandStarted', onStart);
    try {
      const fresh = [fields(), fields(), fields()];
      const results = await Promise.allSettled([
        insertCall(fresh[0]!),
        insertCall({ ...first, _id: new Types.ObjectId() }),
        insertCall(fresh[1]!),
        insertCall(fresh[2]!),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 11000 });
      expect(inserts).toEqual([4]);
      expect(await CallModel.countDocuments({ _id: { $in: fresh.map((f) => f._id) } })).toBe(3);
    } finally {
      client.off('commandStarted', onStart);
    }
  });

  it('writes the provider ids of one turn in one update, and tells a call a webhook moved on from one still unset', async () => {
    const calls = await Promise.all([insertCall(fields()), insertCall(fields()), insertCall(fields())]);
    const [fresh, answered, silent] = calls as [(typeof calls)[number], (typeof calls)[number], (typeof calls)[number]];
    // A webhook with the provider's id got there first; another moved the call without naming it.
    await CallModel.collection.updateOne({ _id: answered._id }, { $set: { status: 'RINGING', providerCallId: 'p-2' } });
    await CallModel.collection.updateOne({ _id: silent._id }, { $set: { status: 'RINGING' } });
    const client = mongoose.connection.getClient();
    const commands: string[] = [];
    const onStart = (e: { commandName: string }) => commands.push(e.commandName);
    client.on('commandStarted', onStart);
    try {
      const all = await Promise.all([
        recordProviderCallId(fresh._id, 'p-1'),
        recordProviderCallId(answered._id, 'p-2'),
        recordProviderCallId(silent._id, 'p-3'),
      ]);
      expect(all).toEqual(['set', 'taken', 'unset']);
      // One update for the three, and one read to tell them apart.
      expect(commands).toEqual(['update', 'find']);
      commands.length = 0;
      const more = [await insertCall(fields()), await insertCall(fields())];
      commands.length = 0;
      expect(await Promise.all(more.map((c, i) => recordProviderCallId(c._id, `q-${i}`)))).toEqual(['set', 'set']);
      // All set: no read.
      expect(commands).toEqual(['update']);
    } finally {
      client.off('commandStarted', onStart);
    }
    const stored = await CallModel.find({ _id: { $in: calls.map((c) => c._id) } }, { providerCallId: 1 }).lean();
    expect(new Map(stored.map((c) => [String(c._id), c.providerCallId]))).toEqual(
      new Map([
        [String(fresh._id), 'p-1'],
        [String(answered._id), 'p-2'],
        [String(silent._id), null],
      ]),
    );
  });

  it('sends a write that sets the parent of a path another write increments in a statement of its own', async () => {
    const campaign = await CampaignModel.create({
      organizationId: new Types.ObjectId(),
      name: 'nested',
      agentId: new Types.ObjectId(),
      phoneId: new Types.ObjectId(),
    });
    const client = mongoose.connection.getClient();
    const commands: string[] = [];
    const onStart = (e: { commandName: string; command: { updates?: unknown[] } }) => {
      commands.push(e.command.updates ? `${e.commandName} ${e.command.updates.length}` : e.commandName);
    };
    client.on('commandStarted', onStart);
    type Numbers = { stats: { activeCalls: number; queuedCalls: number } };
    try {
      const answers = await Promise.all([
        campaignUpdate<Numbers>(campaign._id, { $inc: { 'stats.activeCalls': 1 } }),
        campaignUpdate<Numbers>(campaign._id, { $inc: { 'stats.activeCalls': 1, 'stats.queuedCalls': -1 } }),
        campaignUpdate<Numbers>(campaign._id, { $set: { stats: { activeCalls: 7, queuedCalls: 0 } } }),
      ]);
      // The two increments share a statement; the parent's $set would make MongoDB refuse it.
      expect(commands).toEqual(['update 2', 'find']);
      // Each answer is the campaign after the turn's updates, applied in order.
      expect(answers[0]).toBe(answers[1]);
      expect(answers[0]).toBe(answers[2]);
      expect(answers[2]!.stats).toMatchObject({ activeCalls: 7, queuedCalls: 0 });
    } finally {
      client.off('commandStarted', onStart);
    }
  });

  it('sends the counter updates of a turn that touched one campaign as one findAndModify', async () => {
    const campaign = await CampaignModel.create({
      organizationId: new Types.ObjectId(),
      name: 'alone',
      agentId: new Types.ObjectId(),
      phoneId: new Types.ObjectId(),
    });
    const client = mongoose.connection.getClient();
    const commands: string[] = [];
    const onStart = (e: { commandName: string }) => commands.push(e.commandName);
    client.on('commandStarted', onStart);
    try {
      const answers = await Promise.all([
        campaignUpdate<{ revision: number }>(campaign._id, { $inc: { revision: 1 } }),
        campaignUpdate<{ revision: number }>(campaign._id, { $inc: { revision: 1 } }),
      ]);
      expect(commands).toEqual(['findAndModify']);
      expect(answers[0]).toMatchObject({ revision: 2 });
    } finally {
      client.off('commandStarted', onStart);
    }
  });

  it('sends the counter updates of several campaigns made in one turn as one update and one read, merged per campaign', async () => {
    const campaign = await CampaignModel.create({
      organizationId: new Types.ObjectId(),
      name: 'merged',
      agentId: new Types.ObjectId(),
      phoneId: new Types.ObjectId(),
    });
    const other = await CampaignModel.create({
      organizationId: new Types.ObjectId(),
      name: 'other',
      agentId: new Types.ObjectId(),
      phoneId: new Types.ObjectId(),
    });
    const client = mongoose.connection.getClient();
    const commands: string[] = [];
    const onStart = (e: { commandName: string; command: { updates?: unknown[] } }) => {
      commands.push(e.command.updates ? `${e.commandName} ${e.command.updates.length}` : e.commandName);
    };
    client.on('commandStarted', onStart);
    type Numbers = { revision: number; name?: string; stats: { queuedCalls: number; activeCalls: number } };
    try {
      const lastCallAt = new Date('2026-11-22T00:00:00Z');
      const answers = await Promise.all([
        campaignUpdate<Numbers>(
          campaign._id,
          { $inc: { 'stats.queuedCalls': -1, 'stats.activeCalls': 1, revision: 1 } },
          {
            revision: 1,
            stats: 1,
          },
        ),
        campaignUpdate<Numbers>(campaign._id, {
          $inc: { 'stats.activeCalls': -1, revision: 1 },
          $set: { lastCallAt },
        }),
        campaignUpdate<Numbers>(other._id, { $inc: { revision: 1 } }),
        // Touches a path another write increments: MongoDB would refuse both in one update.
        campaignUpdate<Numbers>(campaign._id, { $set: { revision: 100 } }),
      ]);
      // One update command: a statement for the two mergeable updates, one for the other campaign,
      // one for the conflict; then one read of both campaigns, whatever their number.
      expect(commands).toEqual(['update 3', 'find']);
      expect(answers[0]).toBe(answers[1]);
      expect(answers[0]).toBe(answers[3]);
      expect(answers[0]).toMatchObject({ revision: 100, name: 'merged', stats: { queuedCalls: -1, activeCalls: 0 } });
      expect(answers[2]).toMatchObject({ revision: 1, name: 'other' });
      const stored = await CampaignModel.findById(campaign._id).lean();
      expect(stored?.lastCallAt?.getTime()).toBe(lastCallAt.getTime());
    } finally {
      client.off('commandStarted', onStart);
    }
  });
});
