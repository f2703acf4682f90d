/**
 * Roles and accessible names, simplified from WAI-ARIA and accname 1.2 to what anchoring needs:
 * explicit `role` first, implicit roles of the common HTML controls, and a name from
 * aria-labelledby, aria-label, labels, content, title or placeholder, in that order.
 */
import { cssString } from './css';
import { isShadowRoot } from './composed';

/** Comparison form of a name or label: whitespace collapsed, trimmed, lower-cased, without a
 * leading `*` (Lightning renders required fields' labels as `<abbr>*</abbr>Label`). */
export function normalizeName(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/^\*\s*/, '').toLowerCase();
}

// Elements that may carry each implicit role; `roleOf` then decides exactly (an `input` is a
// button, checkbox or textbox depending on its type).
const IMPLICIT_CANDIDATES: Partial<Record<string, string>> = {
  button: 'button, input',
  link: 'a[href], area[href]',
  textbox: 'input, textarea',
  searchbox: 'input',
  combobox: 'input, select',
  listbox: 'select',
  checkbox: 'input',
  radio: 'input',
  slider: 'input',
  spinbutton: 'input',
  heading: 'h1, h2, h3, h4, h5, h6',
  img: 'img',
  navigation: 'nav',
  main: 'main',
  dialog: 'dialog',
  list: 'ul, ol, menu',
  listitem: 'li',
  option: 'option',
};

/**
 * Whether `el` can match `roleCandidates(role)` at all, read from its tag and a `role` attribute:
 * a check without the selector engine, for testing many elements (an event's path) cheaply.
 */
export function mayHaveRole(role: string): (el: Element) => boolean {
  const tags = new Set((IMPLICIT_CANDIDATES[role] ?? '').split(',').map((part) => part.trim().split('[')[0] ?? '').filter(Boolean));
  return (el) => el.hasAttribute('role') || tags.has(el.localName);
}

/** A selector for every element that might have `role`; confirm each with `roleOf`. */
export function roleCandidates(role: string): string {
  const explicit = `[role~=${cssString(role)} i]`;
  const implicit = IMPLICIT_CANDIDATES[role];
  return implicit ? `${explicit}, :is(${implicit}):not([role])` : explicit;
}

function inputRole(input: Element): string | null {
  const type = (input.getAttribute('type') ?? 'text').toLowerCase();
  const hasList = input.hasAttribute('list');
  switch (type) {
    case 'button':
    case 'submit':
    case 'reset':
    case 'image':
      return 'button';
    case 'checkbox':
      return 'checkbox';
    case 'radio':
      return 'radio';
    case 'range':
      return 'slider';
    case 'number':
      return 'spinbutton';
    case 'search':
      return hasList ? 'combobox' : 'searchbox';
    case 'text':
    case 'email':
    case 'tel':
    case 'url':
      return hasList ? 'combobox' : 'textbox';
    default:
      // Unknown types render as text inputs; date, file, color, hidden… have no textbox role.
      return ['hidden', 'file', 'color', 'date', 'datetime-local', 'month', 'time', 'week', 'password'].includes(type)
        ? null
        : 'textbox';
  }
}

function implicitRole(el: Element): string | null {
  switch (el.localName) {
    case 'button':
      return 'button';
    case 'a':
    case 'area':
      return el.hasAttribute('href') ? 'link' : null;
    case 'input':
      return inputRole(el);
    case 'textarea':
      return 'textbox';
    case 'select':
      return el.hasAttribute('multiple') || Number(el.getAttribute('size') ?? '0') > 1 ? 'listbox' : 'combobox';
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      return 'heading';
    case 'img':
      return el.getAttribute('alt') === '' ? 'presentation' : 'img';
    case 'nav':
      return 'navigation';
    case 'main':
    case 'dialog':
    case 'option':
      return el.localName;
    case 'ul':
    case 'ol':
    case 'menu':
      return 'list';
    case 'li':
      return 'listitem';
    default:
      return null;
  }
}

/** The element's role: the first token of `role` if present, else its implicit role. */
export function roleOf(el: Element): string | null {
  const explicit = el.getAttribute('role')?.trim().split(/\s+/)[0];
  return explicit ? explicit.toLowerCase() : implicitRole(el);
}

// Roles whose name may come from their content (accname 1.2 §4.3.2 "name from content").
const NAME_FROM_CONTENT = new Set([
  'button', 'cell', 'checkbox', 'columnheader', 'gridcell', 'heading', 'link', 'menuitem',
  'menuitemcheckbox', 'menuitemradio', 'option', 'radio', 'row', 'rowheader', 'switch', 'tab',
  'tooltip', 'treeitem',
]);

function nonEmpty(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

function nativeName(el: Element): string | null {
  const name = el.localName;
  if (name === 'input' || name === 'textarea' || name === 'select') {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    if (name === 'input' && (type === 'button' || type === 'submit' || type === 'reset')) {
      return nonEmpty(el.getAttribute('value')) ?? (type === 'button' ? null : type === 'submit' ? 'Submit' : 'Reset');
    }
    if (name === 'input' && type === 'image') return nonEmpty(el.getAttribute('alt'));
    const labels = (el as Partial<HTMLInputElement>).labels;
    if (labels && labels.length > 0) {
      return nonEmpty(Array.from(labels, (label) => label.textContent ?? '').join(' '));
    }
    return null;
  }
  if (name === 'img') return nonEmpty(el.getAttribute('alt'));
  return null;
}

/**
 * The accessible name, resolving aria-labelledby within the element's own tree (ids do not
 * cross shadow boundaries). Text comes from `textContent`: it includes visually hidden
 * assistive text, as screen readers do, but not the content of the element's own shadow root.
 */
export function accessibleName(el: Element, role: string | null): string {
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    const root = el.getRootNode();
    const scope = isShadowRoot(root) || root.nodeType === Node.DOCUMENT_NODE ? (root as ShadowRoot | Document) : null;
    const text = labelledBy
      .split(/\s+/)
      .map((id) => (id && scope ? (scope.getElementById(id)?.textContent ?? '') : ''))
      .join(' ');
    const name = nonEmpty(text);
    if (name) return name;
  }
  return (
    nonEmpty(el.getAttribute('aria-label')) ??
    nativeName(el) ??
    (role !== null && NAME_FROM_CONTENT.has(role) ? nonEmpty(el.textContent) : null) ??
    nonEmpty(el.getAttribute('title')) ??
    nonEmpty(el.getAttribute('placeholder')) ??
    ''
  );
}
