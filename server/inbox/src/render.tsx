/** Renders the whole inbox page against a fake backend, as the component tests need it. */
import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, vi } from 'vitest';
import { App } from './App';
import { fakeBackend, memoryStorage, type FakeBackend } from './testing';

/** "Now" in the component tests: the fixtures were sent at 08:00 that morning. */
export const TEST_NOW = Date.parse('2025-03-24T11:00:00Z');

export async function renderInbox({
  hash = '#/requests',
  backend = fakeBackend(),
  browserLanguage = 'en-GB',
  storage = memoryStorage(),
}: { hash?: string; backend?: FakeBackend; browserLanguage?: string; storage?: ReturnType<typeof memoryStorage> } = {}) {
  // Only the clock is fake: timers stay real so debounces and `waitFor` run as in a browser.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(TEST_NOW);
  vi.stubGlobal('fetch', backend.fetch);
  window.history.replaceState(null, '', hash);
  const user = userEvent.setup();
  const view = render(<App storage={storage} browserLanguage={browserLanguage} />);
  return { user, backend, storage, view };
}

export function resetInbox(): void {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  window.history.replaceState(null, '', '#');
  document.title = '';
  document.body.className = '';
}

/**
 * Tabs through the whole page from the top and checks that focus lands on every enabled control
 * (links, buttons, fields, `<summary>`, scrollable regions) once, in document order.
 */
export async function expectTabReachesEveryControl(user: ReturnType<typeof userEvent.setup>): Promise<number> {
  const controls = [...document.querySelectorAll<HTMLElement>('a[href], button, select, textarea, input, summary, [tabindex="0"]')].filter(
    (element) => !element.matches(':disabled'),
  );
  (document.activeElement as HTMLElement | null)?.blur();
  const reached: Element[] = [];
  for (let step = 0; step < controls.length; step++) {
    await user.tab();
    if (document.activeElement !== null) reached.push(document.activeElement);
  }
  expect(reached.map(controlName)).toEqual(controls.map(controlName));
  return controls.length;
}

/** A control as a readable line, so a Tab-order mismatch shows where it went wrong. */
function controlName(element: Element): string {
  const name = element.getAttribute('aria-label') ?? element.textContent?.replace(/\s+/g, ' ').trim().slice(0, 40) ?? '';
  return `${element.tagName.toLowerCase()}: ${name}`;
}
