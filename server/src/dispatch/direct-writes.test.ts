import mongoose, { Types } from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { campaignUpdate, contactFindAndUpdate, contactUpdate, insertCall, newCallDoc } from './direct-writes';
import type { NewCall } from './direct-writes';

// The engine's driver-level writes must store what mongoose would have stored.
describe('direct writes', () => {
  let infra: TestInfra;

  beforeAll(async () => {
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri);
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
});
