/**
 * Focus helpers for an overlay that lives in a shadow root on top of someone else's page:
 * `document.activeElement` stops at our shadow host, so "where is focus" walks into shadow roots.
 */
import { useLayoutEffect, type RefObject } from 'react';
import { deepActiveElement } from '@/lib/dom/active-element';

/** Focuses without scrolling: our cards are `position: fixed`, the CRM page must not jump. */
export function focusQuietly(element: Element | null | undefined): void {
  if (element && 'focus' in element && typeof element.focus === 'function') {
    (element as HTMLElement).focus({ preventScroll: true });
  }
}

const TABBABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements Tab reaches inside `container`, in document order. */
export function tabbablesWithin(container: Element): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(TABBABLE)].filter((element) => !element.closest('[hidden]'));
}

/**
 * Keeps Tab and Shift+Tab going round inside a modal `container`. Shift+Tab from something that
 * is not itself a Tab stop (the heading a dialog focuses when it opens) goes to the last one.
 */
export function trapTab(event: { key: string; shiftKey: boolean; preventDefault(): void }, container: Element): void {
  if (event.key !== 'Tab') return;
  const tabbables = tabbablesWithin(container);
  const first = tabbables[0];
  const last = tabbables.at(-1);
  if (first === undefined || last === undefined) {
    event.preventDefault();
    return;
  }
  const active = (container.getRootNode() as Document | ShadowRoot).activeElement;
  const onAStop = active instanceof HTMLElement && tabbables.includes(active);
  if (event.shiftKey && (active === first || !onAStop)) {
    event.preventDefault();
    focusQuietly(last);
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    focusQuietly(first);
  }
}

/**
 * Remembers what had focus when the component mounted and gives it back when the component
 * unmounts — or, when that element is gone by then, to what `fallback` returns — but only if
 * focus is still ours (inside `containerRef`) or lost to `<body>`, so a user who has moved on
 * into the CRM is not pulled back. A layout-effect cleanup runs before React removes the DOM,
 * while focus is still inside.
 */
export function useReturnFocus(containerRef: RefObject<Element | null>, fallback?: () => Element | null): void {
  useLayoutEffect(() => {
    const container = containerRef.current;
    if (container === null) return;
    const doc = container.ownerDocument;
    const previous = deepActiveElement(doc);
    return () => {
      const active = deepActiveElement(doc);
      const current = containerRef.current ?? container;
      const focusIsOurs = active === null || active === doc.body || current.contains(active);
      if (!focusIsOurs) return;
      focusQuietly(previous !== null && previous !== doc.body && previous.isConnected ? previous : fallback?.());
    };
    // Mount and unmount only: the element to return to is the one focused before we appeared.
  }, [containerRef]);
}
