/**
 * The operator's command line for the backend (`npm run admin -- <command>`): organisations,
 * enrollment tokens, content packs, devices and users, straight on the database the server
 * uses (`DATABASE_URL`, else `$DATA_DIR/ombord.db`). Exit codes: 0 done, 1 refused or failed,
 * 2 wrong usage.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EnrollResponseSchema } from '../lib/api';
import { LocaleSchema } from '../lib/guides/pack';
import { parsePackJson } from '../lib/guides/validate';
import { storeLocationFromEnv, type Env } from '../server/config';
import { openStore } from '../server/store/open';
import { StoreConflictError, type Organisation, type Store } from '../server/store/store';

const GROUPS: Record<string, string> = {
  org: 'Organisations',
  token: 'Enrollment tokens (one token enrols many browsers, until it expires or is revoked)',
  pack: 'Content packs',
  device: 'Devices',
  user: 'Users',
};

export interface AdminIo {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
}

type Options = { org?: string; expires?: string; roles?: string; teams?: string; locale?: string; help?: boolean };

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

function parseDays(text: string): number {
  const days = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(days > 0) || days > 3650) {
    throw new UsageError(`--expires takes a number of days, more than 0 and at most 3650, not "${text}"`);
  }
  return days;
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
