// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { cssString } from './css';
import { AnchorTargetSchema } from './target';

function issues(value: unknown): string[] {
  const parsed = AnchorTargetSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('AnchorTargetSchema', () => {
  it('accepts every strategy kind and round-trips through JSON', () => {
    const target = {
      strategies: [
        { kind: 'salesforceField', object: 'Account', field: 'Phone' },
        { kind: 'salesforceField', field: 'Region__c' },
        { kind: 'salesforceButton', object: 'Account', action: 'Edit' },
        { kind: 'selectionName', value: 'd3d97191b9714f2388cd2ad681fdc4ed' },
        { kind: 'dynamicsField', name: 'telephone1' },
        { kind: 'dataId', value: 'account|NoRelationship|Form|Mscrm.Form.account.Save' },
        { kind: 'role', role: 'button', name: 'Save' },
        { kind: 'label', text: 'Phone' },
        { kind: 'css', selector: 'one-app-nav-bar-item-root[data-id="Account"]' },
      ],
    };
    expect(AnchorTargetSchema.parse(JSON.parse(JSON.stringify(target)))).toEqual(target);
  });

  it('explains what is wrong, and where', () => {
    expect(issues({ strategies: [] })).toEqual(['strategies: An anchor needs at least one strategy']);
    expect(issues({ strategies: [{ kind: 'salesforceField', object: 'Account', field: 'Phone Number' }] })).toEqual([
      'strategies.0.field: Expected a Salesforce API name (letters, digits, underscores; e.g. "Phone" or "Region__c"), not a label',
    ]);
    expect(issues({ strategies: [{ kind: 'dynamicsField', name: 'Telephone1' }] })[0]).toMatch(/^strategies\.0\.name: Expected a Dynamics logical name/);
    expect(issues({ strategies: [{ kind: 'role', role: 'buton', name: 'Save' }] })).toEqual([
      'strategies.0.role: Expected an ARIA role such as "button", "link" or "tab"',
    ]);
    expect(issues({ strategies: [{ kind: 'label', text: '  ' }] })).toEqual(['strategies.0.text: label text must not be empty']);
    expect(issues({ strategies: [{ kind: 'xpath', value: '//a' }] })[0]).toMatch(/^strategies\.0\.kind: Invalid discriminator/);
    expect(issues({ strategies: [{ kind: 'dataId', value: 'x', extra: 1 }] })[0]).toMatch(/extra/);
  });
});

describe('cssString', () => {
  it('quotes values per CSSOM "serialize a string"', () => {
    expect(cssString('sfdc:RecordField.Account.Phone')).toBe('"sfdc:RecordField.Account.Phone"');
    expect(cssString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(cssString('line\nbreak\0')).toBe('"line\\a break\uFFFD"');
  });
});
