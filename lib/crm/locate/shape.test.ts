import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anchorTargetProblem, isAnchorTarget } from './shape';
import { AnchorTargetSchema } from './target';

/** Every anchor in the starter packs: tips, tour steps. */
function starterAnchors(): unknown[] {
  const dir = new URL('../../../content/packs/', import.meta.url);
  const anchors: unknown[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'anchor') anchors.push(inner);
        else collect(inner);
      }
    }
  };
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.json'))) collect(JSON.parse(readFileSync(new URL(name, dir), 'utf8')));
  return anchors;
}

describe('anchorTargetProblem', () => {
  it('accepts every anchor of the starter packs, as the schema does', () => {
    const anchors = starterAnchors();
    expect(anchors.length).toBeGreaterThan(20);
    for (const anchor of anchors) {
      expect(AnchorTargetSchema.safeParse(anchor).success).toBe(true);
      expect(anchorTargetProblem(anchor)).toBeNull();
      expect(isAnchorTarget(anchor)).toBe(true);
    }
  });

  it.each([
    ['not an object', 'Phone', /expected an object with "strategies"/],
    ['no strategies', {}, /expected an object with "strategies"/],
    ['an empty list', { strategies: [] }, /strategies: An anchor needs at least one strategy/],
    ['an extra key', { strategies: [{ kind: 'css', selector: 'a' }], timeout: 1 }, /unexpected key "timeout"/],
    ['an unknown kind', { strategies: [{ kind: 'xpath', value: '//a' }] }, /strategies\.0\.kind: expected one of salesforceField, /],
    ['a missing field', { strategies: [{ kind: 'css', selector: 'a' }, { kind: 'salesforceField' }] }, /strategies\.1\.field: expected a non-empty string/],
    ['a blank field', { strategies: [{ kind: 'label', text: '  ' }] }, /strategies\.0\.text: expected a non-empty string/],
    ['a field of another kind', { strategies: [{ kind: 'dataId', value: 'x', field: 'Phone' }] }, /strategies\.0: unexpected key "field"/],
    ['an optional field that is not text', { strategies: [{ kind: 'salesforceField', field: 'Phone', object: 3 }] }, /strategies\.0\.object: expected a string/],
  ])('rejects %s, as the schema does', (_what, value, message) => {
    expect(anchorTargetProblem(value)).toMatch(message);
    expect(AnchorTargetSchema.safeParse(value).success).toBe(false);
  });
});
