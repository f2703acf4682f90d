import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function lint(...paths: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/content-lint.ts', ...paths], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
}

describe('npm run content:lint', () => {
  it('prints a line per valid pack and exits 0', () => {
    expect(lint('content/examples/valid')).toEqual({
      status: 0,
      lines: [
        '✓ content/examples/valid/dynamics-case-handling.json (pack case-handling v1, 2 items)',
        '✓ content/examples/valid/salesforce-sales-onboarding.json (pack sales-onboarding v3, 4 items)',
        '2 packs checked: 2 valid, 0 invalid',
      ],
      stderr: '',
    });
  });

  it('prints every error as file: pack › item › path: message and exits 1', () => {
    const { status, lines } = lint('content/examples/invalid', 'content/examples/valid/dynamics-case-handling.json');
    expect(status).toBe(1);
    expect(lines).toEqual([
      'content/examples/invalid/duplicate-and-missing-locale.json: broken-pack › save-tip › $.items[1].anchor.strategies[0].field: ' +
        'Expected a Salesforce API name (letters, digits, underscores; e.g. "Phone" or "Region__c"), not a label, found "Account Phone"',
      'content/examples/invalid/duplicate-and-missing-locale.json: broken-pack › save-tip › $.items[1].id: ' +
        'Duplicate item id "save-tip": items[0] (a tip) already uses it; item ids must be unique within a pack',
      'content/examples/invalid/trailing-comma.json: $: Invalid JSON at line 7, column 14: trailing comma before "}" is not allowed in JSON',
      '✓ content/examples/valid/dynamics-case-handling.json (pack case-handling v1, 2 items)',
      '3 packs checked: 1 valid, 2 invalid',
    ]);
  });

  it('reports a missing path, and a directory without packs', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ombord-lint-'));
    writeFileSync(join(empty, 'content-pack.schema.json'), '{}');
    const { status, lines } = lint('content/examples/nope.json', empty);
    expect(status).toBe(1);
    expect(lines).toEqual([
      'content/examples/nope.json: no such file or directory',
      `${empty}: no .json files found`,
      '0 packs checked: 0 valid, 0 invalid',
    ]);
  });

  it('explains its usage without arguments and exits 2', () => {
    const { status, stderr } = lint();
    expect(status).toBe(2);
    expect(stderr).toContain('Usage: npm run content:lint -- <pack.json or directory>');
  });
});
