/**
 * The admin CLI on a temporary DATA_DIR: each command's output, its refusals with exit code 1
 * and usage mistakes with exit code 2. Most cases call `runAdmin` (the CLI's whole code path
 * but process start-up); a few run the real process (`node --import tsx scripts/admin.ts`).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openStore } from './store/open';
import { enqueueWebhookEvent } from './store/kysely-webhooks';
import { supportReplyCreated } from './webhooks/events';
import { verifyPassword } from './store/passwords';
import { runAdmin } from '../scripts/admin';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ombord-admin-'));
  dirs.push(dir);
  return dir;
}

async function admin(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAdmin(args, { env: { DATA_DIR: dir }, out: (line) => (stdout += `${line}\n`), err: (line) => (stderr += `${line}\n`) });
  return { code, stdout, stderr };
}

function adminProcess(dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/admin.ts', ...args],
      { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

const storeIn = (dir: string) => openStore({ kind: 'sqlite', file: join(dir, 'ombord.db') });

describe('admin CLI', () => {
  it('explains its usage; wrong usage exits 2', async () => {
    const dir = dataDir();
    const help = await admin(dir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('token issue --org <org> [--expires <days>]');
    expect((await admin(dir)).code).toBe(2);
    const unknown = await admin(dir, 'org', 'delete', 'x');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('Unknown command "org delete"');
    const missingOrg = await admin(dir, 'token', 'issue');
    expect(missingOrg).toMatchObject({ code: 2 });
    expect(missingOrg.stderr).toContain('needs --org');
    const strayOption = await admin(dir, 'org', 'list', '--roles', 'x');
    expect(strayOption.code).toBe(2);
    expect(strayOption.stderr).toContain('has no --roles option');
    expect((await admin(dir, 'org', 'list', '--bogus')).code).toBe(2);
  });

  it('creates and lists organisations; refuses duplicates and unknown ones', async () => {
    const dir = dataDir();
    const created = await admin(dir, 'org', 'create', 'Acme Sales');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created organisation "Acme Sales" \([0-9a-f-]{36}\)/);
    const duplicate = await admin(dir, 'org', 'create', 'Acme Sales');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect((await admin(dir, 'org', 'list')).stdout).toContain('Acme Sales');
    const unknown = await admin(dir, 'token', 'list', '--org', 'Nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No organisation "Nope"');
  });

  it('issues a token that enrols once printed, lists it without its secret, revokes it', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const issued = await admin(dir, 'token', 'issue', '--org', 'Acme', '--expires', '7');
    expect(issued.code).toBe(0);
    const secret = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(issued.stdout)?.[1] ?? '';
    const tokenId = /Token id ([0-9a-f-]{36})/.exec(issued.stdout)?.[1] ?? '';
    expect(secret).not.toBe('');

    const store = storeIn(dir);
    try {
      const enrolled = await store.enroll({ enrollmentToken: secret, user: { email: 'a@acme.example' }, extensionVersion: '1' });
      expect(enrolled.ok).toBe(true);
    } finally {
      await store.close();
    }

    const listed = await admin(dir, 'token', 'list', '--org', 'Acme');
    expect(listed.stdout).toContain(tokenId);
    expect(listed.stdout).toMatch(/active .* 1 /);
    expect(listed.stdout).not.toContain(secret);
    expect((await admin(dir, 'token', 'revoke', tokenId)).code).toBe(0);
    expect((await admin(dir, 'token', 'list', '--org', 'Acme')).stdout).toContain('revoked');
    expect((await admin(dir, 'token', 'revoke', 'no-such-id')).code).toBe(1);
    expect((await admin(dir, 'token', 'issue', '--org', 'Acme', '--expires', 'soon')).code).toBe(2);
  });

  it('publishes valid packs, keeps versions, refuses older versions and invalid packs precisely', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const valid = 'content/examples/valid/salesforce-sales-onboarding.json';
    const published = await admin(dir, 'pack', 'publish', '--org', 'Acme', valid);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/Published "[\w-]+" version \d+ to "Acme"/);

    const again = await admin(dir, 'pack', 'publish', '--org', 'Acme', valid);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not greater than version \d+, already published; set "version" to \d+ or more/);

    const invalid = await admin(dir, 'pack', 'publish', '--org', 'Acme', 'content/examples/invalid/duplicate-and-missing-locale.json', 'content/examples/invalid/trailing-comma.json');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/\$\.items\[\d+\]\.id \(item "[\w-]+"\): Duplicate item id/);
    expect(invalid.stderr).toMatch(/Invalid JSON at line \d+, column \d+/);
    expect(invalid.stderr).toContain('2 of 2 packs were not published');

    const missing = await admin(dir, 'pack', 'publish', '--org', 'Acme', 'no/such/file.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read it');

    const listed = await admin(dir, 'pack', 'list', '--org', 'Acme');
    const { id: packId, version } = JSON.parse(readFileSync(valid, 'utf8')) as { id: string; version: number };
    expect(listed.stdout).toMatch(new RegExp(`${packId}\\s+version ${version}\\s+${version}\\s+1`));
    expect((await admin(dir, 'pack', 'unpublish', '--org', 'Acme', packId)).code).toBe(0);
    expect((await admin(dir, 'pack', 'list', '--org', 'Acme')).stdout).toMatch(new RegExp(`${packId}\\s+no\\s+${version}\\s+1`));
    expect((await admin(dir, 'pack', 'unpublish', '--org', 'Acme', packId)).code).toBe(1);

    const bumped = join(dir, 'bumped.json');
    writeFileSync(bumped, readFileSync(valid, 'utf8').replace(`"version": ${version},`, `"version": ${version + 1},`));
    expect((await admin(dir, 'pack', 'publish', '--org', 'Acme', bumped)).code).toBe(0);
    expect((await admin(dir, 'pack', 'list', '--org', 'Acme')).stdout).toMatch(new RegExp(`${packId}\\s+version ${version + 1}\\s+${version + 1}\\s+2`));
  });

  it('sets users and lists and revokes devices', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const set = await admin(dir, 'user', 'set', '--org', 'Acme', 'Ann@Acme.example', '--roles', 'sales, manager', '--teams', 'north', '--locale', 'nb');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('ann@acme.example in "Acme": roles sales, manager; teams north; locale nb');
    expect((await admin(dir, 'user', 'set', '--org', 'Acme', 'not-an-email')).code).toBe(1);
    const badLocale = await admin(dir, 'user', 'set', '--org', 'Acme', 'ann@acme.example', '--locale', 'xx');
    expect(badLocale.code).toBe(1);
    expect(badLocale.stderr).toContain('--locale');

    const store = storeIn(dir);
    const enrolled = await (async () => {
      try {
        const organisation = await store.findOrganisation('Acme');
        const { secret } = await store.issueEnrollmentToken(organisation?.id ?? '', { expiresAt: null });
        return await store.enroll({ enrollmentToken: secret, user: { email: 'ann@acme.example' }, deviceLabel: 'Chrome on Mac', extensionVersion: '0.1.0' });
      } finally {
        await store.close();
      }
    })();
    if (!enrolled.ok) throw new Error('enrol failed');
    const { deviceId, deviceToken } = enrolled;
    expect(enrolled.user.roles).toEqual(['sales', 'manager']);

    const listed = await admin(dir, 'device', 'list', '--org', 'Acme');
    expect(listed.stdout).toMatch(new RegExp(`${deviceId}\\s+ann@acme.example\\s+Chrome on Mac\\s+0.1.0\\s+active`));
    expect((await admin(dir, 'device', 'revoke', deviceId)).code).toBe(0);
    expect((await admin(dir, 'device', 'list', '--org', 'Acme')).stdout).toContain('revoked');
    expect((await admin(dir, 'device', 'revoke', 'no-such-device')).code).toBe(1);

    const after = storeIn(dir);
    try {
      expect(await after.authenticateDevice(deviceToken)).toEqual({ ok: false, reason: 'revoked' });
    } finally {
      await after.close();
    }
  });
});

describe('admin CLI webhooks', () => {
  it('adds a webhook printing its secret once, lists it without secret or path, refuses bad input', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const url = 'https://hooks.slack.com/services/T0/B0/credential-part';
    const added = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', url, '--format', 'slack', '--events', 'support.reply.created');
    expect(added.code, added.stderr).toBe(0);
    const secret = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(added.stdout)?.[1] ?? '';
    const webhookId = /Added webhook ([0-9a-f-]{36})/.exec(added.stdout)?.[1] ?? '';
    expect(secret).not.toBe('');
    expect(added.stdout).toContain(`slack messages to ${url} on support.reply.created`);

    const listed = await admin(dir, 'webhook', 'list', '--org', 'Acme');
    expect(listed.stdout).toMatch(new RegExp(`${webhookId}\\s+slack\\s+active\\s+support\\.reply\\.created\\s+https://hooks\\.slack\\.com/…`));
    expect(listed.stdout).not.toContain('credential-part');
    expect(listed.stdout).not.toContain(secret);
    const all = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', 'http://127.0.0.1:9/receiver', '--format', 'json');
    expect(all.stdout).toContain('on support.request.created, support.reply.created');

    const insecure = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', 'http://hooks.example.com/x', '--format', 'json');
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toContain('must use https:');
    const badFormat = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', url, '--format', 'xml');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('needs --format slack, teams or json, not "xml"');
    expect((await admin(dir, 'webhook', 'add', '--org', 'Acme', '--format', 'json')).stderr).toContain('needs --url');
    const badEvents = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', url, '--format', 'json', '--events', 'support.reply.created,bogus');
    expect(badEvents.code).toBe(2);
    expect(badEvents.stderr).toContain('not: bogus');
    expect((await admin(dir, 'webhook', 'remove')).code).toBe(2);
    expect((await admin(dir, 'webhook', 'list', '--org', 'Acme', '--failed')).code).toBe(2);
  });

  it('lists deliveries (all or failed) and removes a webhook with its deliveries', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    expect((await admin(dir, 'webhook', 'deliveries', '--org', 'Acme')).stdout).toContain('"Acme" has no webhook deliveries');
    const added = await admin(dir, 'webhook', 'add', '--org', 'Acme', '--url', 'https://receiver.example/ombord', '--format', 'json');
    const webhookId = /Added webhook ([0-9a-f-]{36})/.exec(added.stdout)?.[1] ?? '';

    const location = { kind: 'sqlite', file: join(dir, 'ombord.db') } as const;
    const db = openDatabase(location);
    const store = openStore(location);
    try {
      const organisation = await store.findOrganisation('Acme');
      for (let index = 0; index < 2; index++) {
        const event = supportReplyCreated({
          requestId: randomUUID(),
          requestDescription: 'Save fails',
          replyId: randomUUID(),
          author: { displayName: 'Sam', role: 'support' },
          body: 'Fixed',
          status: 'answered',
        });
        await enqueueWebhookEvent(db, organisation?.id ?? '', event, new Date().toISOString());
      }
      const [claimed] = await store.claimWebhookDeliveries({ now: new Date(), leaseMs: 60_000, limit: 1 });
      if (claimed === undefined) throw new Error('nothing to claim');
      await store.settleWebhookDelivery(claimed, { result: 'failed', status: 404, error: 'HTTP 404: no_service' }, new Date());
    } finally {
      await db.destroy();
      await store.close();
    }

    const deliveries = await admin(dir, 'webhook', 'deliveries', '--org', 'Acme');
    expect(deliveries.stdout.match(/support\.reply\.created/g)).toHaveLength(2);
    expect(deliveries.stdout).toMatch(/pending\s+0\s+-\s+next /);
    const failed = await admin(dir, 'webhook', 'deliveries', '--org', 'Acme', '--failed');
    expect(failed.stdout.match(/support\.reply\.created/g)).toHaveLength(1);
    expect(failed.stdout).toMatch(/failed\s+1\s+404\s+\S+\s+HTTP 404: no_service/);

    const removed = await admin(dir, 'webhook', 'remove', '--id', webhookId);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Removed webhook ${webhookId} (json, https://receiver.example/…) and its 2 deliveries`);
    expect((await admin(dir, 'webhook', 'list', '--org', 'Acme')).stdout).toContain('"Acme" has no webhooks');
    expect((await admin(dir, 'webhook', 'deliveries', '--org', 'Acme')).stdout).toContain('no webhook deliveries');
    const again = await admin(dir, 'webhook', 'remove', '--id', webhookId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No webhook with id "${webhookId}"`);
  });
});

describe('admin CLI as a process', { timeout: 60_000 }, () => {
  it('prints to stdout and stderr and exits 0, 1 or 2', async () => {
    const dir = dataDir();
    const help = await adminProcess(dir, '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: npm run admin -- <command>');
    expect(await adminProcess(dir, 'org', 'create', 'Acme')).toMatchObject({ code: 0, stderr: '' });
    const issued = await adminProcess(dir, 'token', 'issue', '--org', 'Acme');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toMatch(/^ {2}[A-Za-z0-9_-]{43}$/m);
    const duplicate = await adminProcess(dir, 'org', 'create', 'Acme');
    expect(duplicate).toMatchObject({ code: 1, stdout: '' });
    expect(duplicate.stderr).toContain('An organisation named "Acme" already exists');
    const unknown = await adminProcess(dir, 'frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('Unknown command');
  });
});

describe('admin CLI staff accounts', { timeout: 60_000 }, () => {
  const PASSWORD = 'a long enough passphrase';

  async function staffAdmin(dir: string, secret: { env?: string; stdin?: string }, ...args: string[]) {
    let stdout = '';
    let stderr = '';
    const prompts: string[] = [];
    const code = await runAdmin(args, {
      env: { DATA_DIR: dir, ...(secret.env !== undefined && { OMBORD_STAFF_PASSWORD: secret.env }) },
      out: (line) => (stdout += `${line}\n`),
      err: (line) => (stderr += `${line}\n`),
      ...(secret.stdin !== undefined && {
        readSecret: (prompt: string) => {
          prompts.push(prompt);
          return Promise.resolve(secret.stdin ?? '');
        },
      }),
    });
    return { code, stdout, stderr, prompts };
  }

  async function signsIn(dir: string, email: string, password: string): Promise<boolean> {
    const store = storeIn(dir);
    try {
      const login = await store.findStaffLogin(email);
      return login !== null && login.account.disabledAt === null && (await verifyPassword(login.passwordHash, password));
    } finally {
      await store.close();
    }
  }

  it('creates staff with a password from OMBORD_STAFF_PASSWORD or standard input, never the command line', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const created = await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'Ann@Acme.example', '--role', 'admin', '--name', 'Ann Admin');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created admin ann@acme.example in "Acme". They sign in at <server>/inbox/');
    expect(await signsIn(dir, 'ann@acme.example', PASSWORD)).toBe(true);

    const asked = await staffAdmin(dir, { stdin: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'cham@acme.example', '--role', 'champion', '--teams', 'north, south');
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.prompts).toEqual(['Password for the staff account: ']);
    expect(asked.stdout).toContain('Created champion cham@acme.example in "Acme", champion for north, south.');
    expect(await signsIn(dir, 'cham@acme.example', PASSWORD)).toBe(true);

    const short = await staffAdmin(dir, { env: 'too short' }, 'staff', 'create', '--org', 'Acme', '--email', 'x@acme.example', '--role', 'support');
    expect(short).toMatchObject({ code: 1 });
    expect(short.stderr).toContain('at least 12 characters');
    const nowhere = await staffAdmin(dir, {}, 'staff', 'create', '--org', 'Acme', '--email', 'x@acme.example', '--role', 'support');
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('OMBORD_STAFF_PASSWORD');
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'x@acme.example', '--role', 'support', '--password', PASSWORD)).code).toBe(2);
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'x@acme.example', '--role', 'owner')).code).toBe(2);
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--role', 'support')).code).toBe(2);
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'not-an-email', '--role', 'support')).code).toBe(1);
  });

  it('keeps a staff email to one organisation, updates, lists, disables and resets passwords', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    await admin(dir, 'org', 'create', 'Other');
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'sam@acme.example', '--role', 'champion')).stdout).toContain(
      'champion for no team yet',
    );
    const elsewhere = await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Other', '--email', 'sam@acme.example', '--role', 'admin');
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('already a staff account of another organisation');
    const updated = await staffAdmin(dir, { env: 'another long passphrase' }, 'staff', 'create', '--org', 'Acme', '--email', 'sam@acme.example', '--role', 'support');
    expect(updated.stdout).toContain('Updated support sam@acme.example');
    expect(await signsIn(dir, 'sam@acme.example', PASSWORD)).toBe(false);
    expect(await signsIn(dir, 'sam@acme.example', 'another long passphrase')).toBe(true);

    const disabled = await staffAdmin(dir, {}, 'staff', 'disable', '--email', 'SAM@acme.example');
    expect(disabled.stdout).toContain('Disabled sam@acme.example; its sessions ended at once');
    expect(await signsIn(dir, 'sam@acme.example', 'another long passphrase')).toBe(false);
    expect((await admin(dir, 'staff', 'list', '--org', 'Acme')).stdout).toMatch(/sam@acme\.example\s+-\s+support\s+-\s+disabled \d{4}-/);
    expect((await admin(dir, 'staff', 'list', '--org', 'Other')).stdout).toContain('"Other" has no staff accounts');
    expect((await staffAdmin(dir, {}, 'staff', 'disable', '--email', 'nobody@acme.example')).code).toBe(1);

    await staffAdmin(dir, { env: PASSWORD }, 'staff', 'create', '--org', 'Acme', '--email', 'ann@acme.example', '--role', 'admin');
    const reset = await staffAdmin(dir, { stdin: 'a third long passphrase' }, 'staff', 'set-password', '--email', 'ann@acme.example');
    expect(reset.code, reset.stderr).toBe(0);
    expect(await signsIn(dir, 'ann@acme.example', 'a third long passphrase')).toBe(true);
    expect((await staffAdmin(dir, { env: PASSWORD }, 'staff', 'set-password', '--email', 'nobody@acme.example')).code).toBe(1);
    expect((await staffAdmin(dir, { stdin: 'short' }, 'staff', 'set-password', '--email', 'ann@acme.example')).code).toBe(1);
  });

  it('sets the champion window; explains the staff commands in --help', async () => {
    const dir = dataDir();
    await admin(dir, 'org', 'create', 'Acme');
    const set = await admin(dir, 'org', 'set-champion-window', '--org', 'Acme', '--minutes', '90');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('after 90 minutes unanswered');
    const db = openDatabase({ kind: 'sqlite', file: join(dir, 'ombord.db') });
    try {
      expect((await db.selectFrom('organisations').select('champion_window_minutes').executeTakeFirstOrThrow()).champion_window_minutes).toBe(90);
    } finally {
      await db.destroy();
    }
    for (const minutes of ['-1', '1.5', 'soon', '43201']) expect((await admin(dir, 'org', 'set-champion-window', '--org', 'Acme', '--minutes', minutes)).code, minutes).toBe(2);
    expect((await admin(dir, 'org', 'set-champion-window', '--org', 'Acme')).code).toBe(2);

    const help = await admin(dir, '--help');
    for (const usage of [
      'staff create --org <org> --email <email> --role admin|support|champion [--name <name>] [--teams a,b]',
      'staff list --org <org>',
      'staff disable --email <email>',
      'staff set-password --email <email>',
      'org set-champion-window --org <org> --minutes <n>',
    ]) {
      expect(help.stdout).toContain(usage);
    }
  });

  it('reads the password from piped standard input as a process', async () => {
    const dir = dataDir();
    await adminProcess(dir, 'org', 'create', 'Acme');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/admin.ts', 'staff', 'create', '--org', 'Acme', '--email', 'pipe@acme.example', '--role', 'admin'],
        { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', OMBORD_STAFF_PASSWORD: '' }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
      );
      child.stdin?.end(`${PASSWORD}\n`);
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Created admin pipe@acme.example');
    expect(await signsIn(dir, 'pipe@acme.example', PASSWORD)).toBe(true);
  });
});
