/**
 * The user's clicks and typing in the CRM page, heard for every part of the content script
 * (breadcrumbs, the guidance session of the moment) by one capture listener per kind on the
 * document. Each listener of the extension's world costs the page a switch into that world on
 * every click and every keystroke, the CRM's busiest moments (bench (b), DOM churn).
 *
 * Listeners see the event during the capture phase at the document, passively, in the order
 * they were added; one that throws does not keep the event from the others.
 */
export type UserActionType = 'click' | 'input';

export interface UserActions {
  addEventListener(type: UserActionType, listener: (event: Event) => void, options?: { signal?: AbortSignal }): void;
}

export function listenForUserActions(target: EventTarget, signal: AbortSignal): UserActions {
  const listeners: Record<UserActionType, Set<(event: Event) => void>> = { click: new Set(), input: new Set() };
  for (const type of ['click', 'input'] as const) {
    target.addEventListener(
      type,
      (event) => {
        for (const listener of listeners[type]) {
          try {
            listener(event);
          } catch (error) {
            reportError(error);
          }
        }
      },
      { capture: true, passive: true, signal },
    );
  }
  return {
    addEventListener(type, listener, { signal: until } = {}) {
      if (signal.aborted || until?.aborted) return;
      listeners[type].add(listener);
      until?.addEventListener('abort', () => listeners[type].delete(listener), { once: true });
    },
  };
}
