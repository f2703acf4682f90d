/**
 * The user's clicks and typing in the CRM page, heard for every part of the content script
 * (breadcrumbs, the guidance session of the moment) by one capture listener per kind on the
 * document, there only while someone listens. Each listener of the extension's world costs the
 * page a switch into that world, and the work done there, on every click and every keystroke,
 * the CRM's busiest moments (bench (b), DOM churn).
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
  const dispatchers: Record<UserActionType, (event: Event) => void> = { click: dispatcher('click'), input: dispatcher('input') };
  const options = { capture: true, passive: true } as const;
  function dispatcher(type: UserActionType): (event: Event) => void {
    return (event) => {
      for (const listener of listeners[type]) {
        try {
          listener(event);
        } catch (error) {
          reportError(error);
        }
      }
    };
  }
  signal.addEventListener(
    'abort',
    () => {
      for (const type of ['click', 'input'] as const) {
        listeners[type].clear();
        target.removeEventListener(type, dispatchers[type], options);
      }
    },
    { once: true },
  );
  return {
    addEventListener(type, listener, { signal: until } = {}) {
      if (signal.aborted || until?.aborted) return;
      const heard = listeners[type];
      if (heard.size === 0) target.addEventListener(type, dispatchers[type], options);
      heard.add(listener);
      until?.addEventListener(
        'abort',
        () => {
          if (heard.delete(listener) && heard.size === 0) target.removeEventListener(type, dispatchers[type], options);
        },
        { once: true },
      );
    },
  };
}
