import { describe, expect, it } from 'vitest';
import { progressRevisionWriter, type ProgressRevision } from './messages';

describe('progressRevisionWriter', () => {
  it('reads who made a progress change from a storage change, and nothing from anything else', () => {
    const change = (newValue: unknown) => ({ oldValue: undefined, newValue });
    expect(progressRevisionWriter(change({ id: 'r2', writer: 'tab-1' } satisfies ProgressRevision))).toBe('tab-1');
    expect(progressRevisionWriter(change({ id: 'r3', writer: null } satisfies ProgressRevision))).toBeNull();
    // Revisions written by an earlier version were a bare id.
    expect(progressRevisionWriter(change('9b2c…'))).toBeNull();
    expect(progressRevisionWriter(change(undefined))).toBeNull();
    expect(progressRevisionWriter({ newValue: { writer: 7 } })).toBeNull();
    expect(progressRevisionWriter(null)).toBeNull();
    expect(progressRevisionWriter('tab-1')).toBeNull();
  });
});
