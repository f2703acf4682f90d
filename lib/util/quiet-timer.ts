/**
 * A timer that fires once things have been quiet for a while: each `touch` puts it off until
 * `quietMs` after that touch. One timer runs however often it is touched; when it comes due
 * early, it waits on for the rest. Touching it only notes the time: the content script touches
 * one on every keystroke and every navigation event, where a clearTimeout and a setTimeout each
 * time were most of the handler's cost (bench (b), DOM churn).
 */
export interface QuietTimer {
  /** Puts the firing off until `quietMs` from now (starts the timer if it is not running). */
  touch(): void;
  /** Stops it without firing. */
  cancel(): void;
  /** Whether it was touched and has not fired (or been cancelled) since. */
  pending(): boolean;
}

export function quietTimer(quietMs: number, now: () => number, fire: () => void): QuietTimer {
  let dueAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = (delay: number): void => {
    timer = setTimeout(() => {
      const early = dueAt - now();
      if (early > 0) wait(early);
      else {
        timer = undefined;
        fire();
      }
    }, delay);
  };
  return {
    touch() {
      dueAt = now() + quietMs;
      if (timer === undefined) wait(quietMs);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
    pending: () => timer !== undefined,
  };
}
