/**
 * The admin CLI on a temporary DATA_DIR: each command's output, its refusals with exit code 1
 * and usage mistakes with exit code 2. Most cases call `runAdmin` (the CLI's whole code path
 * but process start-up); a few run the real process (`node --import tsx scripts/admin.ts`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store/open';
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
