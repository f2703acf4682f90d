/**
 * Turns each anchor strategy into probes: a native CSS selector for candidate elements, an
 * optional index key (so API-name attributes are found without scanning), and an optional check
 * that maps a candidate to the element to anchor to.
 */
import { accessibleName, mayHaveRole, normalizeName, roleCandidates, roleOf } from './accessible-name';
import { closestComposed, closestComposedTag } from './composed';
import { cssString } from './css';
import type { CrmKind } from '../context';
import type { IndexKey } from './tree-index';
import type { AnchorStrategy } from './target';

export interface Probe {
  /** Candidate elements; also re-checked with `matches` when a remembered element is reused. */
  selector: string;
  /** Where the tree index lists every candidate; absent: query every tree. */
  indexKey?: IndexKey;
  /** Candidate → anchor element, or null when the candidate is not a match after all. */
  resolve?: (candidate: Element) => Element | null;
  /** Whether `resolve` can give another element than the candidate (a label gives its field). */
  resolvesElsewhere?: boolean;
  /**
   * False for an element that cannot match `selector` (a cheaper check than `matches`, for many
   * elements at a time); absent: ask `matches`.
   */
  mayMatch?: (el: Element) => boolean;
}

export interface CompiledStrategy {
  /** Stable identity for the remembered-element cache. */
  key: string;
  /** Null when the selector is invalid for this browser. */
  probes: Probe[] | null;
  /** The CRM whose pages can have it; null: either. */
  crm: CrmKind | null;
  /** Whether a text change (not only an element or attribute change) can make it match. */
  readsText: boolean;
  /** Whether any attribute can decide the match (a free CSS selector), not only the known ones. */
  readsAnyAttribute: boolean;
}

/** How a strategy appears in messages to admins, e.g. `salesforceField Account.Phone`. */
export function describeStrategy(strategy: AnchorStrategy): string {
  switch (strategy.kind) {
    case 'salesforceField':
      return `salesforceField ${strategy.object ?? '*'}.${strategy.field}`;
    case 'salesforceButton':
      return `salesforceButton ${strategy.object ?? '*'}.${strategy.action}`;
    case 'selectionName':
      return `selectionName "${strategy.value}"`;
    case 'dynamicsField':
      return `dynamicsField ${strategy.name}`;
    case 'dataId':
      return `dataId "${strategy.value}"`;
    case 'role':
      return `role ${strategy.role} "${strategy.name}"`;
    case 'label':
      return `label "${strategy.text}"`;
    case 'css':
      return `css ${strategy.selector}`;
  }
}

const SELECTION_NAME = 'data-target-selection-name' as const;

/** `sfdc:<kind>.<Object>.<Name>`, or any object when `object` is omitted. */
function selectionNameProbe(kind: string, object: string | undefined, name: string): Probe {
  if (object !== undefined) {
    const value = `sfdc:${kind}.${object}.${name}`;
    return { selector: `[${SELECTION_NAME}=${cssString(value)}]`, indexKey: { attribute: SELECTION_NAME, value }, mayMatch: carries(SELECTION_NAME) };
  }
  return {
    selector: `[${SELECTION_NAME}^=${cssString(`sfdc:${kind}.`)}][${SELECTION_NAME}$=${cssString(`.${name}`)}]`,
    indexKey: { attribute: SELECTION_NAME, value: `sfdc:${kind}.*.${name}` },
    mayMatch: carries(SELECTION_NAME),
  };
}

// Record layout items, and Dynamic Forms fields. Matched by tag name in script because some
// selector engines (happy-dom) reject the underscore in `record_flexipage-record-field`.
const SALESFORCE_FIELD_CONTAINERS: ReadonlySet<string> = new Set(['records-record-layout-item', 'record_flexipage-record-field']);
const DYNAMICS_FIELD_CONTAINER = '[data-id$="-FieldSectionItemContainer"]';

function labelProbe(text: string): Probe {
  const wanted = normalizeName(text);
  return {
    // Salesforce view mode: the layout item's `field-label` and its `.test-id__field-label` span;
    // Salesforce edit mode and Dynamics: `<label>` elements.
    selector: 'records-record-layout-item[field-label], .test-id__field-label, label',
    resolvesElsewhere: true,
    resolve(candidate) {
      const isItem = candidate.localName === 'records-record-layout-item';
      const shown = isItem ? (candidate.getAttribute('field-label') ?? '') : (candidate.textContent ?? '');
      if (normalizeName(shown) !== wanted) return null;
      if (isItem) return candidate;
      if (candidate.localName === 'label') {
        // Dynamics: label[id$="<name>-field-label"] → the whole field container.
        if (candidate.id.endsWith('-field-label')) return closestComposed(candidate, DYNAMICS_FIELD_CONTAINER) ?? candidate;
        return (candidate as Partial<HTMLLabelElement>).control ?? candidate;
      }
      return closestComposedTag(candidate, SALESFORCE_FIELD_CONTAINERS) ?? candidate;
    },
  };
}

const carries =
  (attribute: string) =>
  (el: Element): boolean =>
    el.hasAttribute(attribute);

const SALESFORCE_EDIT_CONTROLS: ReadonlySet<string> = new Set(['input', 'textarea', 'select', 'lightning-input-field']);

function isValidSelector(selector: string, doc: Document): boolean {
  try {
    doc.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}

function compile(strategy: AnchorStrategy, doc: Document): CompiledStrategy {
  const base = { key: JSON.stringify(strategy), crm: null, readsText: false, readsAnyAttribute: false };
  switch (strategy.kind) {
    case 'salesforceField': {
      const name = cssString(strategy.field);
      return {
        ...base,
        crm: 'salesforce',
        probes: [
          // View mode (record layouts and Dynamic Forms stamp the field container).
          selectionNameProbe('RecordField', strategy.object, strategy.field),
          // Edit mode: inline edit and edit modals render inputs named after the field inside the
          // layout item (possibly within a component's shadow root); custom LWC forms use
          // lightning-input-field. These carry no object name.
          {
            selector: `input[name=${name}], textarea[name=${name}], select[name=${name}], lightning-input-field[field-name=${name}]`,
            mayMatch: (el) => SALESFORCE_EDIT_CONTROLS.has(el.localName),
            resolve: (candidate) =>
              candidate.localName === 'lightning-input-field' || closestComposedTag(candidate, SALESFORCE_FIELD_CONTAINERS)
                ? candidate
                : null,
          },
        ],
      };
    }
    case 'salesforceButton':
      return { ...base, crm: 'salesforce', probes: [selectionNameProbe('StandardButton', strategy.object, strategy.action)] };
    case 'selectionName':
      return {
        ...base,
        crm: 'salesforce',
        probes: [
          {
            selector: `[${SELECTION_NAME}=${cssString(strategy.value)}]`,
            indexKey: { attribute: SELECTION_NAME, value: strategy.value },
            mayMatch: carries(SELECTION_NAME),
          },
        ],
      };
    case 'dynamicsField': {
      const value = `${strategy.name}-FieldSectionItemContainer`;
      return {
        ...base,
        crm: 'dynamics',
        probes: [{ selector: `[data-id=${cssString(value)}]`, indexKey: { attribute: 'data-id', value }, mayMatch: carries('data-id') }],
      };
    }
    case 'dataId':
      return {
        ...base,
        probes: [{ selector: `[data-id=${cssString(strategy.value)}]`, indexKey: { attribute: 'data-id', value: strategy.value }, mayMatch: carries('data-id') }],
      };
    case 'role': {
      const { role } = strategy;
      const wanted = normalizeName(strategy.name);
      const resolve = (candidate: Element) => {
        const actual = roleOf(candidate);
        return actual === role && normalizeName(accessibleName(candidate, actual)) === wanted ? candidate : null;
      };
      return { ...base, readsText: true, probes: [{ selector: roleCandidates(role), resolve, mayMatch: mayHaveRole(role) }] };
    }
    case 'label':
      return { ...base, readsText: true, probes: [labelProbe(strategy.text)] };
    case 'css':
      return {
        ...base,
        readsAnyAttribute: true,
        probes: isValidSelector(strategy.selector, doc) ? [{ selector: strategy.selector }] : null,
      };
  }
}

// Packs reuse the same strategy objects for every locate; compiling (selector strings, selector
// validation) once per object keeps the remembered-element path free of string work.
const compiled = new WeakMap<AnchorStrategy, CompiledStrategy>();

export function compileStrategy(strategy: AnchorStrategy, doc: Document): CompiledStrategy {
  let result = compiled.get(strategy);
  if (!result) {
    result = compile(strategy, doc);
    compiled.set(strategy, result);
  }
  return result;
}
