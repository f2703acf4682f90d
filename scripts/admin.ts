/**
 * The operator's command line for the backend (`npm run admin -- <command>`): organisations,
 * enrollment tokens, content packs, devices, users, staff accounts and webhooks, straight on the database the server
 * uses (`DATABASE_URL`, else `$DATA_DIR/ombord.db`). Exit codes: 0 done, 1 refused or failed,
 * 2 wrong usage.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EnrollResponseSchema, STAFF_PASSWORD_MAX, STAFF_PASSWORD_MIN, StaffRoleSchema } from '../lib/api';
import { LocaleSchema } from '../lib/guides/pack';
import { parsePackJson } from '../lib/guides/validate';
import { storeLocationFromEnv, type Env } from '../server/config';
import { openStore } from '../server/store/open';
import { hashPassword } from '../server/store/passwords';
import { StoreConflictError, type Organisation, type Store } from '../server/store/store';
import { WEBHOOK_EVENT_TYPES, WebhookEventTypeSchema, type WebhookEventType } from '../server/webhooks/events';
import { WebhookFormatSchema } from '../server/webhooks/format';

const GROUPS: Record<string, string> = {
  org: 'Organisations',
  token: 'Enrollment tokens (one token enrols many browsers, until it expires or is revoked)',
  pack: 'Content packs',
  device: 'Devices',
  user: 'Users',
  staff: 'Staff accounts (they sign in to the support inbox at /inbox/)',
  webhook: 'Webhooks (new support requests and replies, to Slack, Teams or your own receiver)',
};

export interface AdminIo {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
  /**
   * Asks for a secret when `OMBORD_STAFF_PASSWORD` is not set: without echo on a terminal, else
   * the first line of standard input. Absent: there is nowhere to ask.
   */
  readSecret?: (prompt: string) => Promise<string>;
}

type Options = {
  org?: string;
  expires?: string;
  roles?: string;
  teams?: string;
  locale?: string;
  url?: string;
  format?: string;
  events?: string;
  id?: string;
  failed?: boolean;
  email?: string;
  role?: string;
  name?: string;
  minutes?: string;
  help?: boolean;
};

/** A mistake in the command line: usage text, exit code 2. */
class UsageError extends Error {}
/** A refused or failed command: exit code 1. */
class CommandError extends Error {}

interface Command {
  /** The command line after `npm run admin --`. */
  usage: string;
  summary: string;
  /** Positional arguments after the command words: exact count, or at least `min`. */
  args: { names: string; count: number } | { names: string; min: number };
  options: ReadonlyArray<keyof Options>;
  run(store: Store, args: string[], options: Options, io: AdminIo): Promise<void>;
}

const AudienceList = EnrollResponseSchema.shape.user.shape.roles;
const WEBHOOK_DELIVERIES_SHOWN = 100;

const commands: Record<string, Command> = {
  'org create': {
    usage: 'org create <name>',
    summary: 'create an organisation',
    args: { names: '<name>', count: 1 },
    options: [],
    async run(store, [name = ''], _options, { out }) {
      const trimmed = name.trim();
      if (trimmed.length === 0 || trimmed.length > 200) throw new CommandError('An organisation name is 1 to 200 characters');
      try {
        const organisation = await store.createOrganisation(trimmed);
        out(`Created organisation "${organisation.name}" (${organisation.id})`);
      } catch (error) {
        if (error instanceof StoreConflictError) throw new CommandError(`${error.message}; pick another name`);
        throw error;
      }
    },
  },
  'org list': {
    usage: 'org list',
    summary: 'list organisations',
    args: { names: '', count: 0 },
    options: [],
    async run(store, _args, _options, { out }) {
      const organisations = await store.listOrganisations();
      if (organisations.length === 0) return out('No organisations yet; create one with: npm run admin -- org create <name>');
      table(out, ['id', 'name', 'created'], organisations.map((org) => [org.id, org.name, org.createdAt]));
    },
  },
  'org set-champion-window': {
    usage: 'org set-champion-window --org <org> --minutes <n>',
    summary: "how long a team's champions have a new request before it goes to the central team (default 240)",
    args: { names: '', count: 0 },
    options: ['org', 'minutes'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const minutes = parseMinutes(options.minutes);
      await store.setChampionWindow(organisation.id, minutes);
      out(`Requests to champions in "${organisation.name}" now go to the central team after ${minutes} minutes unanswered (requests already routed keep their time)`);
    },
  },
  'token issue': {
    usage: 'token issue --org <org> [--expires <days>]',
    summary: 'issue a token; it is printed once',
    args: { names: '', count: 0 },
    options: ['org', 'expires'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const expiresAt = options.expires === undefined ? null : new Date(Date.now() + parseDays(options.expires) * 86_400_000);
      const { token, secret } = await store.issueEnrollmentToken(organisation.id, { expiresAt });
      out(`Enrollment token for "${organisation.name}" (${expiresAt === null ? 'never expires' : `expires ${expiresAt.toISOString()}`}):`);
      out('');
      out(`  ${secret}`);
      out('');
      out(`It is shown only now: the database keeps only its hash. Token id ${token.id}`);
      out(`(revoke it with: npm run admin -- token revoke ${token.id})`);
    },
  },
  'token list': {
    usage: 'token list --org <org>',
    summary: 'list tokens (never their secrets)',
    args: { names: '', count: 0 },
    options: ['org'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const tokens = await store.listEnrollmentTokens(organisation.id);
      if (tokens.length === 0) return out(`"${organisation.name}" has no enrollment tokens; issue one with: npm run admin -- token issue --org "${organisation.name}"`);
      const now = new Date().toISOString();
      table(
        out,
        ['id', 'status', 'created', 'expires', 'uses', 'last used'],
        tokens.map((token) => [
          token.id,
          token.revokedAt !== null ? 'revoked' : token.expiresAt !== null && token.expiresAt <= now ? 'expired' : 'active',
          token.createdAt,
          token.expiresAt ?? 'never',
          String(token.uses),
          token.lastUsedAt ?? '-',
        ]),
      );
    },
  },
  'token revoke': {
    usage: 'token revoke <tokenId>',
    summary: 'stop a token from enrolling more browsers',
    args: { names: '<tokenId>', count: 1 },
    options: [],
    async run(store, [tokenId = ''], _options, { out }) {
      const token = await store.revokeEnrollmentToken(tokenId);
      if (token === null) throw new CommandError(`No enrollment token with id "${tokenId}"; see npm run admin -- token list --org <org>`);
      out(`Revoked enrollment token ${token.id}; browsers it enrolled keep working (revoke those with device revoke)`);
    },
  },
  'pack publish': {
    usage: 'pack publish --org <org> <file.json>...',
    summary: 'validate and publish; every version is kept',
    args: { names: '<file.json>...', min: 1 },
    options: ['org'],
    async run(store, files, options, { out, err }) {
      const organisation = await requireOrganisation(store, options);
      let failed = 0;
      for (const file of files) {
        let text: string;
        try {
          text = await readFile(resolve(file), 'utf8');
        } catch (error) {
          err(`${file}: cannot read it: ${error instanceof Error ? error.message : String(error)}`);
          failed++;
          continue;
        }
        const validation = parsePackJson(text, file);
        if (!validation.ok) {
          err(`${file}: not published, ${validation.errors.length === 1 ? '1 error' : `${validation.errors.length} errors`}:`);
          for (const error of validation.errors) err(`  ${error.path}${error.itemId === undefined ? '' : ` (item "${error.itemId}")`}: ${error.message}`);
          failed++;
          continue;
        }
        const { pack } = validation;
        const result = await store.publishPack(organisation.id, pack);
        if (result.ok) {
          out(`Published "${pack.id}" version ${pack.version} to "${organisation.name}" (${pack.items.length} items)`);
          continue;
        }
        failed++;
        if (result.reason === 'not_newer') {
          err(`${file}: not published: "${pack.id}" version ${pack.version} is not greater than version ${result.latestVersion}, already published; set "version" to ${result.latestVersion + 1} or more`);
        } else if (result.reason === 'version_too_large') {
          err(`${file}: not published: "version" ${pack.version} is too large (at most 2147483647)`);
        } else {
          err(`${file}: not published: "${organisation.name}" already has the most packs published at once; unpublish one first`);
        }
      }
      if (failed > 0) throw new CommandError(`${failed} of ${files.length} ${files.length === 1 ? 'pack was' : 'packs were'} not published`);
    },
  },
  'pack unpublish': {
    usage: 'pack unpublish --org <org> <packId>',
    summary: 'stop serving a pack (its versions stay)',
    args: { names: '<packId>', count: 1 },
    options: ['org'],
    async run(store, [packId = ''], options, { out }) {
      const organisation = await requireOrganisation(store, options);
      if (!(await store.unpublishPack(organisation.id, packId))) {
        throw new CommandError(`"${organisation.name}" has no published pack "${packId}"; see npm run admin -- pack list --org "${organisation.name}"`);
      }
      out(`Unpublished "${packId}" from "${organisation.name}"; its versions are kept, and publishing a higher version serves it again`);
    },
  },
  'pack list': {
    usage: 'pack list --org <org>',
    summary: 'list packs and their versions',
    args: { names: '', count: 0 },
    options: ['org'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const packs = await store.listPacks(organisation.id);
      if (packs.length === 0) return out(`"${organisation.name}" has no packs; publish one with: npm run admin -- pack publish --org "${organisation.name}" <file.json>`);
      table(
        out,
        ['pack', 'published', 'latest', 'versions kept', 'updated'],
        packs.map((pack) => [pack.packId, pack.publishedVersion === null ? 'no' : `version ${pack.publishedVersion}`, String(pack.latestVersion), String(pack.versions), pack.updatedAt]),
      );
    },
  },
  'device list': {
    usage: 'device list --org <org>',
    summary: 'list enrolled browsers',
    args: { names: '', count: 0 },
    options: ['org'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const devices = await store.listDevices(organisation.id);
      if (devices.length === 0) return out(`No browsers enrolled in "${organisation.name}" yet`);
      table(
        out,
        ['id', 'user', 'label', 'extension', 'status', 'enrolled', 'last seen'],
        devices.map((device) => [
          device.id,
          device.userEmail,
          device.label ?? '-',
          device.extensionVersion,
          device.revokedAt === null ? 'active' : 'revoked',
          device.createdAt,
          device.lastSeenAt ?? '-',
        ]),
      );
    },
  },
  'device revoke': {
    usage: 'device revoke <deviceId>',
    summary: "refuse a browser's device token from now on",
    args: { names: '<deviceId>', count: 1 },
    options: [],
    async run(store, [deviceId = ''], _options, { out }) {
      const device = await store.revokeDevice(deviceId);
      if (device === null) throw new CommandError(`No device with id "${deviceId}"; see npm run admin -- device list --org <org>`);
      out(`Revoked device ${device.id} (${device.userEmail}); its token is refused from now on`);
    },
  },
  'user set': {
    usage: 'user set --org <org> <email> [--roles a,b] [--teams x,y] [--locale en]',
    summary: "create or update a user's targeting audience",
    args: { names: '<email>', count: 1 },
    options: ['org', 'roles', 'teams', 'locale'],
    async run(store, [email = ''], options, { out }) {
      const organisation = await requireOrganisation(store, options);
      if (!z.email().max(320).safeParse(email.trim()).success) throw new CommandError(`"${email}" is not an email address`);
      const locale = options.locale === undefined ? undefined : LocaleSchema.safeParse(options.locale);
      if (locale !== undefined && !locale.success) throw new CommandError(`--locale: ${locale.error.issues[0]?.message ?? 'not a supported locale'}`);
      const user = await store.setUser(organisation.id, email, {
        ...(options.roles !== undefined && { roles: parseList('--roles', options.roles) }),
        ...(options.teams !== undefined && { teams: parseList('--teams', options.teams) }),
        ...(locale?.success === true && { locale: locale.data }),
      });
      out(`${user.email} in "${organisation.name}": roles ${user.roles.join(', ') || '(none)'}; teams ${user.teams.join(', ') || '(none)'}; locale ${user.locale ?? '(browser default)'}`);
    },
  },
  'staff create': {
    usage: 'staff create --org <org> --email <email> --role admin|support|champion [--name <name>] [--teams a,b]',
    summary:
      'create a staff account (or update its role and password, enabling it again); champions answer for --teams.\n      The password comes from OMBORD_STAFF_PASSWORD or standard input, never the command line',
    args: { names: '', count: 0 },
    options: ['org', 'email', 'role', 'name', 'teams'],
    async run(store, _args, options, io) {
      const organisation = await requireOrganisation(store, options);
      const email = requireEmail('staff create', options);
      const role = StaffRoleSchema.safeParse(options.role);
      if (!role.success) throw new UsageError(`"staff create" needs --role admin, support or champion${options.role === undefined ? '' : `, not "${options.role}"`}`);
      const name = options.name?.trim();
      if (name !== undefined && (name.length === 0 || name.length > 200)) throw new CommandError('--name: 1 to 200 characters');
      const teams = options.teams === undefined ? undefined : parseList('--teams', options.teams);
      const passwordHash = await hashPassword(await staffPassword(io));
      let result;
      try {
        result = await store.setStaffAccount(organisation.id, { email, role: role.data, ...(name !== undefined && { displayName: name }), ...(teams !== undefined && { teams }), passwordHash });
      } catch (error) {
        if (error instanceof StoreConflictError) throw new CommandError(error.message);
        throw error;
      }
      const { account, created } = result;
      const answers = account.role === 'champion' ? `, champion for ${account.teams.join(', ') || 'no team yet (give --teams, or they see no requests)'}` : '';
      io.out(`${created ? 'Created' : 'Updated'} ${account.role} ${account.email} in "${organisation.name}"${answers}. They sign in at <server>/inbox/`);
    },
  },
  'staff list': {
    usage: 'staff list --org <org>',
    summary: 'list staff accounts (never their passwords)',
    args: { names: '', count: 0 },
    options: ['org'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const accounts = await store.listStaffAccounts(organisation.id);
      if (accounts.length === 0) return out(`"${organisation.name}" has no staff accounts; create one with: npm run admin -- staff create --org "${organisation.name}" --email <email> --role admin`);
      table(
        out,
        ['email', 'name', 'role', 'teams', 'status', 'created', 'password changed'],
        accounts.map((account) => [
          account.email,
          account.displayName ?? '-',
          account.role,
          account.role === 'champion' ? account.teams.join(',') || '(none)' : '-',
          account.disabledAt === null ? 'active' : `disabled ${account.disabledAt}`,
          account.createdAt,
          account.passwordChangedAt,
        ]),
      );
    },
  },
  'staff disable': {
    usage: 'staff disable --email <email>',
    summary: 'refuse the account from now on and end its sessions (staff create enables it again)',
    args: { names: '', count: 0 },
    options: ['email'],
    async run(store, _args, options, { out }) {
      const email = requireEmail('staff disable', options);
      const account = await store.disableStaffAccount(email);
      if (account === null) throw new CommandError(`No staff account "${email}"; see npm run admin -- staff list --org <org>`);
      out(`Disabled ${account.email}; its sessions ended at once`);
    },
  },
  'staff set-password': {
    usage: 'staff set-password --email <email>',
    summary: 'set a new password (from OMBORD_STAFF_PASSWORD or standard input) and end the sessions signed in with the old one',
    args: { names: '', count: 0 },
    options: ['email'],
    async run(store, _args, options, io) {
      const email = requireEmail('staff set-password', options);
      if ((await store.findStaffLogin(email)) === null) throw new CommandError(`No staff account "${email}"; see npm run admin -- staff list --org <org>`);
      const account = await store.setStaffPassword(email, await hashPassword(await staffPassword(io)));
      if (account === null) throw new CommandError(`No staff account "${email}"; see npm run admin -- staff list --org <org>`);
      io.out(`Changed the password of ${account.email}; its sessions signed in with the old one have ended`);
    },
  },
  'webhook add': {
    usage: 'webhook add --org <org> --url <url> --format slack|teams|json [--events a,b]',
    summary: `post support events to a URL (https:, or http: to this machine); the signing secret is printed once.\n      Events: ${WEBHOOK_EVENT_TYPES.join(', ')} (default: all)`,
    args: { names: '', count: 0 },
    options: ['org', 'url', 'format', 'events'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      if (options.url === undefined || options.url.trim() === '') throw new UsageError('"webhook add" needs --url <url>');
      const format = WebhookFormatSchema.safeParse(options.format);
      if (!format.success) throw new UsageError(`"webhook add" needs --format slack, teams or json${options.format === undefined ? '' : `, not "${options.format}"`}`);
      const events = options.events === undefined ? [...WEBHOOK_EVENT_TYPES] : parseEventList(options.events);
      const result = await store.addWebhook(organisation.id, { url: options.url, format: format.data, events });
      if (!result.ok) throw new CommandError(`--url: ${result.error}`);
      const { webhook, secret } = result;
      out(`Added webhook ${webhook.id} to "${organisation.name}": ${webhook.format} messages to ${webhook.url} on ${webhook.events.join(', ')}`);
      out('Its signing secret (X-Ombord-Signature is an HMAC-SHA256 with it; see server/backend.design.md):');
      out('');
      out(`  ${secret}`);
      out('');
      out('It is shown only now. Slack and Teams do not check it; a receiver of your own should.');
    },
  },
  'webhook list': {
    usage: 'webhook list --org <org>',
    summary: "list webhooks (URLs without their path, which is often a credential; never the secrets)",
    args: { names: '', count: 0 },
    options: ['org'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const webhooks = await store.listWebhooks(organisation.id);
      if (webhooks.length === 0) return out(`"${organisation.name}" has no webhooks; add one with: npm run admin -- webhook add --org "${organisation.name}" --url <url> --format slack|teams|json`);
      table(
        out,
        ['id', 'format', 'status', 'events', 'url', 'created'],
        webhooks.map((webhook) => [
          webhook.id,
          webhook.format,
          webhook.disabledAt === null ? 'active' : `disabled ${webhook.disabledAt} (410 Gone)`,
          webhook.events.join(','),
          withoutPath(webhook.url),
          webhook.createdAt,
        ]),
      );
    },
  },
  'webhook remove': {
    usage: 'webhook remove --id <webhookId>',
    summary: 'delete a webhook and its deliveries, sent or not',
    args: { names: '', count: 0 },
    options: ['id'],
    async run(store, _args, options, { out }) {
      const id = options.id?.trim() ?? '';
      if (id === '') throw new UsageError('"webhook remove" needs --id <webhookId>');
      const removed = await store.removeWebhook(id);
      if (removed === null) throw new CommandError(`No webhook with id "${id}"; see npm run admin -- webhook list --org <org>`);
      out(`Removed webhook ${removed.webhook.id} (${removed.webhook.format}, ${withoutPath(removed.webhook.url)}) and its ${removed.deliveries === 1 ? '1 delivery' : `${removed.deliveries} deliveries`}`);
    },
  },
  'webhook deliveries': {
    usage: 'webhook deliveries --org <org> [--failed]',
    summary: `the newest ${WEBHOOK_DELIVERIES_SHOWN} deliveries (or failed ones) with their last answer`,
    args: { names: '', count: 0 },
    options: ['org', 'failed'],
    async run(store, _args, options, { out }) {
      const organisation = await requireOrganisation(store, options);
      const failedOnly = options.failed === true;
      const deliveries = await store.listWebhookDeliveries(organisation.id, { failedOnly, limit: WEBHOOK_DELIVERIES_SHOWN });
      if (deliveries.length === 0) return out(`"${organisation.name}" has no ${failedOnly ? 'failed ' : ''}webhook deliveries`);
      table(
        out,
        ['id', 'webhook', 'event', 'state', 'attempts', 'last status', 'at', 'last error'],
        deliveries.map((delivery) => [
          delivery.id,
          delivery.webhookId,
          delivery.eventType,
          delivery.state,
          String(delivery.attempts),
          delivery.lastStatus === null ? '-' : String(delivery.lastStatus),
          delivery.deliveredAt ?? delivery.failedAt ?? (delivery.nextAttemptAt === null ? '-' : `next ${delivery.nextAttemptAt}`),
          delivery.lastError ?? '-',
        ]),
      );
    },
  },
};

export const USAGE = [
  'Usage: npm run admin -- <command>',
  ...Object.entries(GROUPS).flatMap(([group, title]) => [
    '',
    title,
    ...Object.values(commands)
      .filter((command) => command.usage.startsWith(`${group} `))
      .map((command) => `  ${command.usage}\n      ${command.summary}`),
  ]),
  '',
  '<org> is an organisation id or exact name. The database is DATABASE_URL (PostgreSQL) if set,',
  'else $DATA_DIR/ombord.db (DATA_DIR defaults to ./data).',
].join('\n');

export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  let parsed: { values: Options; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        org: { type: 'string' },
        expires: { type: 'string' },
        roles: { type: 'string' },
        teams: { type: 'string' },
        locale: { type: 'string' },
        url: { type: 'string' },
        format: { type: 'string' },
        events: { type: 'string' },
        id: { type: 'string' },
        failed: { type: 'boolean' },
        email: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        minutes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) {
    (values.help === true ? io.out : io.err)(USAGE);
    return values.help === true ? 0 : 2;
  }

  const name = positionals.slice(0, 2).join(' ');
  const command = commands[name];
  if (command === undefined) {
    io.err(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  const args = positionals.slice(2);
  const usageError = (error: unknown) => {
    io.err(`${error instanceof Error ? error.message : String(error)}\nUsage: npm run admin -- ${command.usage}`);
    return 2;
  };
  try {
    checkUsage(name, command, args, values);
  } catch (error) {
    return usageError(error);
  }

  const store = openStore(storeLocationFromEnv(io.env));
  try {
    await store.migrate();
    await command.run(store, args, values, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    io.err(error instanceof CommandError ? error.message : `Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await store.close();
  }
}

function checkUsage(name: string, command: Command, args: string[], options: Options): void {
  const expected = command.args;
  const countOk = 'count' in expected ? args.length === expected.count : args.length >= expected.min;
  if (!countOk) {
    throw new UsageError(`"${name}" takes ${expected.names === '' ? 'no arguments' : expected.names}${args.length > 0 ? `, not: ${args.join(' ')}` : ''}`);
  }
  for (const option of Object.keys(options) as Array<keyof Options>) {
    if (option !== 'help' && !command.options.includes(option)) throw new UsageError(`"${name}" has no --${option} option`);
  }
  if (command.options.includes('org') && (options.org === undefined || options.org.trim() === '')) {
    throw new UsageError(`"${name}" needs --org <org> (an organisation id or name)`);
  }
}

async function requireOrganisation(store: Store, options: Options): Promise<Organisation> {
  const key = options.org?.trim() ?? '';
  const organisation = await store.findOrganisation(key);
  if (organisation === null) throw new CommandError(`No organisation "${key}"; see npm run admin -- org list`);
  return organisation;
}

function requireEmail(name: string, options: Options): string {
  const email = options.email?.trim() ?? '';
  if (email === '') throw new UsageError(`"${name}" needs --email <email>`);
  if (!z.email().max(320).safeParse(email).success) throw new CommandError(`"${email}" is not an email address`);
  return email.toLowerCase();
}

/** `OMBORD_STAFF_PASSWORD`, else asked for; never an argument, which other users of the machine can see in the process list. */
async function staffPassword(io: AdminIo): Promise<string> {
  const fromEnv = io.env.OMBORD_STAFF_PASSWORD;
  const password = fromEnv !== undefined && fromEnv !== '' ? fromEnv : await io.readSecret?.('Password for the staff account: ');
  if (password === undefined) throw new CommandError('Give the password in OMBORD_STAFF_PASSWORD or on standard input');
  if (password.length < STAFF_PASSWORD_MIN) {
    throw new CommandError(`The password must be at least ${STAFF_PASSWORD_MIN} characters (got ${password.length}); a few words make a good one`);
  }
  if (password.length > STAFF_PASSWORD_MAX) throw new CommandError(`The password must be at most ${STAFF_PASSWORD_MAX} characters`);
  return password;
}

function parseMinutes(text: string | undefined): number {
  const minutes = Number(text);
  if (text === undefined || !/^\d+$/.test(text.trim()) || minutes > 43_200) {
    throw new UsageError(`--minutes takes a whole number of minutes from 0 to 43200 (30 days)${text === undefined ? '' : `, not "${text}"`}`);
  }
  return minutes;
}

function parseDays(text: string): number {
  const days = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(days > 0) || days > 3650) {
    throw new UsageError(`--expires takes a number of days, more than 0 and at most 3650, not "${text}"`);
  }
  return days;
}

function parseEventList(text: string): WebhookEventType[] {
  const names = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const unknown = names.filter((name) => !WebhookEventTypeSchema.safeParse(name).success);
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--events takes ${WEBHOOK_EVENT_TYPES.join(', ')} separated by commas${unknown.length > 0 ? `, not: ${unknown.join(', ')}` : ''}`);
  }
  return WEBHOOK_EVENT_TYPES.filter((type) => names.includes(type));
}

/** A webhook URL's path is often its credential (Slack, Teams): listings show the origin only. */
function withoutPath(url: string): string {
  const { origin, pathname, search } = new URL(url);
  return pathname === '/' && search === '' ? origin : `${origin}/…`;
}

function parseList(option: string, text: string): string[] {
  const list = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const parsed = AudienceList.safeParse(list);
  if (!parsed.success) throw new CommandError(`${option}: at most 50 names of at most 100 characters each, separated by commas`);
  return parsed.data;
}

function table(out: (line: string) => void, header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  out(line(header));
  for (const row of rows) out(line(row));
}

/**
 * One line from standard input. On a terminal the prompt goes to stderr and nothing typed is
 * echoed; piped input (`… | npm run admin -- staff create …`) is read as it comes.
 */
function readSecretFromStdin(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (stdin.isTTY) {
        stdin.setRawMode(false);
        stderr.write('\n');
      }
      stdin.pause();
      if (error === undefined) resolve(line);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\n' || char === '\r') return finish();
        if (char === '\u0003') return finish(new CommandError('Cancelled'));
        if (stdin.isTTY && (char === '\u007f' || char === '\b')) line = line.slice(0, -1);
        else line += char;
      }
    };
    const onEnd = () => finish();
    if (stdin.isTTY) {
      stderr.write(prompt);
      stdin.setRawMode(true);
    }
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readSecret: readSecretFromStdin,
  });
}
