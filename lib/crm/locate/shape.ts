/**
 * Whether a value has the shape of an anchor target, checked without the schema library: the
 * content script carries none (building and running its first schema costs ~5–10 ms on every
 * CRM page load, on the way to the first tip). Targets from packs were validated with
 * `AnchorTargetSchema` when the pack was loaded, with the precise messages authors get from
 * `content:lint`; this catches what reaches the locator any other way (an `anchor:locate`
 * message, a caller's bug) with a clear error instead of a failure deep inside the search.
 * The test keeps it in step with the schema.
 */
import type { AnchorStrategyKind, AnchorTarget } from './target';

/** The string fields each kind of strategy has: required, then optional. */
const FIELDS: Readonly<Record<AnchorStrategyKind, readonly [required: readonly string[], optional: readonly string[]]>> = {
  salesforceField: [['field'], ['object']],
  salesforceButton: [['action'], ['object']],
  selectionName: [['value'], []],
  dynamicsField: [['name'], []],
  dataId: [['value'], []],
  role: [['role', 'name'], []],
  label: [['text'], []],
  css: [['selector'], []],
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why `value` is not an anchor target (with the path of the problem), or null when it is one. */
export function anchorTargetProblem(value: unknown): string | null {
  if (!isRecord(value) || !Array.isArray(value['strategies'])) return 'Invalid anchor target: expected an object with "strategies"';
  const strategies: unknown[] = value['strategies'];
  if (strategies.length === 0) return 'Invalid anchor target: strategies: An anchor needs at least one strategy';
  const extra = Object.keys(value).find((key) => key !== 'strategies');
  if (extra !== undefined) return `Invalid anchor target: unexpected key "${extra}"`;
  for (const [i, strategy] of strategies.entries()) {
    const problem = strategyProblem(strategy);
    if (problem !== null) return `Invalid anchor target: strategies.${i}${problem}`;
  }
  return null;
}

function strategyProblem(strategy: unknown): string | null {
  if (!isRecord(strategy)) return ': expected an object';
  const kind = strategy['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) {
    return `.kind: expected one of ${Object.keys(FIELDS).join(', ')}`;
  }
  const [required, optional] = FIELDS[kind as AnchorStrategyKind];
  for (const field of required) {
    const text = strategy[field];
    if (typeof text !== 'string' || text.trim() === '') return `.${field}: expected a non-empty string`;
  }
  for (const [field, text] of Object.entries(strategy)) {
    if (field === 'kind' || required.includes(field)) continue;
    if (!optional.includes(field)) return `: unexpected key "${field}"`;
    if (text !== undefined && typeof text !== 'string') return `.${field}: expected a string`;
  }
  return null;
}

/** Narrows `value` when `anchorTargetProblem` found nothing wrong. */
export function isAnchorTarget(value: unknown): value is AnchorTarget {
  return anchorTargetProblem(value) === null;
}
