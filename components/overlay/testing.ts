/**
 * Test support for the overlay: a `Translate` that reads the English `_locales` messages the way
 * `browser.i18n.getMessage` does, and an anchor element in a laid-out page (happy-dom lays
 * nothing out, and Floating UI hides what it finds outside the viewport).
 */
import { vi } from 'vitest';
import messages from '../../public/_locales/en/messages.json';
import type { MessageKey, Translate } from '@/lib/i18n';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };

export const translate: Translate = (key: MessageKey, substitutions?: string | string[]) => {
  const entry: Entry = messages[key];
  const values = substitutions === undefined ? [] : [substitutions].flat();
  return entry.message.replace(/\$(\w+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/, (__, index: string) => values[Number(index) - 1] ?? '');
  });
};

/**
 * A button in the document, in a 1024×768 viewport where every element but `<html>` (the
 * anchor, and the beacon a tooltip points at) has an 80×24 box at (100, 100).
 */
export function createAnchor(label = 'Log a Call'): HTMLButtonElement {
  for (const [property, value] of [['clientWidth', 1024], ['clientHeight', 768]] as const) {
    Object.defineProperty(document.documentElement, property, { configurable: true, value });
  }
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    return this === document.documentElement
      ? DOMRect.fromRect({ x: 0, y: 0, width: 1024, height: 768 })
      : DOMRect.fromRect({ x: 100, y: 100, width: 80, height: 24 });
  });
  const anchor = document.createElement('button');
  anchor.textContent = label;
  document.body.append(anchor);
  return anchor;
}
