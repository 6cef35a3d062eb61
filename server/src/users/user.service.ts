import { UserModel, ROLES } from './user.model';
import type { Role, UserDoc } from './user.model';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password';
import { signToken } from './auth.token';
import { OrganizationModel } from '../organizations/organization.model';
import { checkSettings } from '../organizations/organization.settings';
import type { OrganizationSettingsInputFields } from '../organizations/organization.settings';
import { AgentModel } from '../agents/agent.model';
import { createAgent } from '../agents/agent.service';
import { PhoneModel } from '../phones/phone.model';
import { createPhone } from '../phones/phone.service';
import type { SimulationFields } from '../phones/phone.service';
import type { Config } from '../config';
import { AppError, ErrorCode, badInput, conflict, forbidden, notFound, unauthenticated } from '../errors';
import { email as emailOf, text } from '../validation';
import { parseObjectId } from '../object-id';

export interface AuthResult {
  token: string;
  user: UserDoc;
}

export interface SignUpFields {
  email: string;
  password: string;
  organizationName: string;
  /** The organization's settings (frequency caps); left out, they are off. */
  settings?: OrganizationSettingsInputFields | null;
}

/** The number of the simulated line every new organization gets (a 555-01xx fictional number). */
export const SIMULATED_LINE_NUMBER = '+12025550100';

function password(value: unknown): string {
  if (typeof value !== 'string' || value.length < 8 || value.length > 200)
    throw badInput('password', 'must be 8 to 200 characters');
  return value;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

const emailTaken = () => conflict('An account with this email already exists: sign in instead');

async function issue(config: Config, user: UserDoc): Promise<AuthResult> {
  const token = await signToken(config.jwt, {
    userId: String(user._id),
    organizationId: String(user.organizationId),
    role: user.role,
  });
  return { token, user };
}

/** Self-service sign-up: `createAccount`, refused (FORBIDDEN) when ALLOW_SIGNUP is off. */
export async function signUp(config: Config, input: SignUpFields): Promise<AuthResult> {
  if (!config.allowSignup) throw forbidden('Sign-up is closed on this server: ask an administrator for an account');
  return createAccount(config, input);
}

/**
 * Opens an account: an organization, its ADMIN, a default simulated phone and a default
 * agent, so a new user can run a campaign at once.
 * No transactions (standalone MongoDB must work): a failure after the organization exists
 * removes what was created.
 * @param options.simulation the simulated line's behaviour (the demo uses short calls)
 */
export async function createAccount(
  config: Config,
  input: SignUpFields,
  options: { simulation?: SimulationFields } = {},
): Promise<AuthResult> {
  const email = emailOf('email', input.email);
  const secret = password(input.password);
  const organizationName = text('organizationName', input.organizationName, 1, 200);
  const settings = checkSettings(input.settings ?? {}, 'settings.');
  // A cheap early answer for the common case; the unique index decides under races.
  if (await UserModel.exists({ email })) throw emailTaken();

  const passwordHash = await hashPassword(secret);
  const org = await OrganizationModel.create({
    name: organizationName,
    defaultCountry: config.defaultCountry,
    settings,
  });
  const organizationId = String(org._id);
  try {
    const user = await UserModel.create({ organizationId: org._id, email, passwordHash, role: 'ADMIN' });
    await createPhone(config.encryptionKey, organizationId, {
      name: 'Simulated line',
      number: SIMULATED_LINE_NUMBER,
      provider: 'SIMULATED',
      isDefault: true,
      ...(options.simulation ? { simulation: options.simulation } : {}),
    });
    await createAgent(
      organizationId,
      { name: 'Default agent', description: 'Created with the account.' },
      { isDefault: true },
    );
    return await issue(config, user);
  } catch (error) {
    await Promise.allSettled([
      UserModel.deleteMany({ organizationId: org._id }).exec(),
      PhoneModel.deleteMany({ organizationId: org._id }).exec(),
      AgentModel.deleteMany({ organizationId: org._id }).exec(),
      OrganizationModel.deleteOne({ _id: org._id }).exec(),
    ]);
    if (isDuplicateKey(error)) throw emailTaken();
    throw error;
  }
}

/**
 * Signs in. Unknown email and wrong password give the same error after the same work
 * (a dummy hash is verified), so neither the message nor the timing reveals accounts.
 */
export async function login(config: Config, rawEmail: string, secret: string): Promise<AuthResult> {
  const email = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : '';
  const user = email ? await UserModel.findOne({ email }).exec() : null;
  const ok = await verifyPassword(String(secret), user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw unauthenticated('Invalid email or password');
  if (needsRehash(user.passwordHash)) {
    // Made with an older, cheaper cost: replace it now that we hold the password. Conditional
    // on the old hash, so a password changed meanwhile is not overwritten.
    await UserModel.updateOne(
      { _id: user._id, passwordHash: user.passwordHash },
      { $set: { passwordHash: await hashPassword(String(secret)) } },
    );
  }
  return issue(config, user);
}

/** The caller's own user; a token for a deleted user is UNAUTHENTICATED. */
export async function getUser(organizationId: string, userId: string): Promise<UserDoc> {
  const _id = parseObjectId(userId);
  const user = _id ? await UserModel.findOne({ _id, organizationId }).exec() : null;
  if (!user) throw unauthenticated('This account no longer exists: sign in again');
  return user;
}

/** Adds a user to the organization (ADMIN only, checked by the caller). */
export async function createUser(
  organizationId: string,
  input: { email: string; password: string; role: Role },
): Promise<UserDoc> {
  const email = emailOf('email', input.email);
  const passwordHash = await hashPassword(password(input.password));
  if (!(ROLES as readonly string[]).includes(input.role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
  try {
    return await UserModel.create({ organizationId, email, passwordHash, role: input.role });
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError(ErrorCode.CONFLICT, 'A user with this email already exists');
    throw error;
  }
}

/** The organization's users, by email. */
export function listUsers(organizationId: string): Promise<UserDoc[]> {
  return UserModel.find({ organizationId }).sort({ email: 1 }).exec();
}

const lastAdmin = () => conflict('This is the last ADMIN of the organization: make another user ADMIN first');

/**
 * Changes a user's role (ADMIN only, checked by the caller). The last ADMIN cannot be demoted.
 * No transactions (standalone MongoDB): the change is written, then the ADMINs are counted,
 * and a change that left none is undone. Two ADMINs demoting each other at once may then both
 * be refused, never both succeed.
 */
export async function updateUserRole(organizationId: string, id: string, role: Role): Promise<UserDoc> {
  if (!(ROLES as readonly string[]).includes(role)) throw badInput('role', `must be one of ${ROLES.join(', ')}`);
  const _id = parseObjectId(id);
  const before = _id ? await UserModel.findOneAndUpdate({ _id, organizationId }, { $set: { role } }).exec() : null;
  if (!before) throw notFound('User');
  if (before.role === 'ADMIN' && role !== 'ADMIN') {
    const admins = await UserModel.countDocuments({ organizationId, role: 'ADMIN' }).exec();
    if (admins === 0) {
      await UserModel.updateOne({ _id, organizationId, role }, { $set: { role: 'ADMIN' } }).exec();
      throw lastAdmin();
    }
  }
  before.role = role;
  return before;
}

/**
 * Removes a user (ADMIN only, checked by the caller); their tokens stop working on the next
 * request (every request reads the user). An ADMIN is first demoted through updateUserRole,
 * so the last-ADMIN rule has one home.
 */
export async function removeUser(organizationId: string, id: string): Promise<UserDoc> {
  const _id = parseObjectId(id);
  const user = _id ? await UserModel.findOne({ _id, organizationId }).exec() : null;
  if (!user) throw notFound('User');
  if (user.role === 'ADMIN') await updateUserRole(organizationId, id, 'VIEWER');
  await UserModel.deleteOne({ _id, organizationId }).exec();
  return user;
}
