/**
 * A locate result as plain data, for messages between the content script and the extension's
 * pages: the element becomes a short description (tag, identifying attributes, shadow DOM
 * status and position) that an admin tool can show and a test can compare.
 */
import { enclosingShadowRoots } from './composed';
import type { LocateFailureReason, LocateResult, TriedStrategy } from './locate';
import type { AnchorStrategy } from './target';

export interface LocatedElementReport {
  /** Lower case, as in selectors (`records-record-layout-item`). */
  tagName: string;
  /** Only the attributes that identify CRM elements; `class` cut to 100 characters. */
  attributes: Record<string, string>;
  /** `closed` when any shadow root around the element is closed (reachable only with the extension's API). */
  inShadowRoot: 'none' | 'open' | 'closed';
  /** Viewport coordinates, CSS pixels. */
  rect: { x: number; y: number; width: number; height: number };
}

export type LocateReport =
  | { ok: true; strategyIndex: number; strategy: AnchorStrategy; element: LocatedElementReport }
  | { ok: false; reason: LocateFailureReason; tried: TriedStrategy[]; message: string };

const REPORTED_ATTRIBUTES = ['data-target-selection-name', 'data-id', 'name', 'role', 'aria-label', 'field-label', 'class'];
const MAX_CLASS_LENGTH = 100;

export function describeLocateResult(result: LocateResult): LocateReport {
  if (!result.ok) return { ok: false, reason: result.reason, tried: result.tried, message: result.message };
  const { element } = result;
  const attributes: Record<string, string> = {};
  for (const name of REPORTED_ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value !== null) attributes[name] = name === 'class' ? value.trim().slice(0, MAX_CLASS_LENGTH) : value;
  }
  // `getRootNode` returns closed roots too (closedness only hides `host.shadowRoot`).
  const roots = enclosingShadowRoots(element);
  const { x, y, width, height } = element.getBoundingClientRect();
  return {
    ok: true,
    strategyIndex: result.strategyIndex,
    strategy: result.strategy,
    element: {
      tagName: element.localName,
      attributes,
      inShadowRoot: roots.length === 0 ? 'none' : roots.some((root) => root.mode === 'closed') ? 'closed' : 'open',
      rect: { x, y, width, height },
    },
  };
}
