/**
 * Work that waits for the page's first view with Ombord to be painted, and no longer once it has
 * been. The content script's first guidance session searches shadow roots after its view is on
 * screen, so the tips found in the page's own tree show first (bench (a)); a later session starts
 * on a page drawn a while ago and searches at once, so all its dots show in one frame (bench (b)).
 * At once means inside the session's start, before the dots of the page just left are shown
 * again: their writes would make the search's first look at styles recalculate them.
 */
export interface FirstView {
  /** A view was shown: once it is painted, `run` no longer waits. */
  shown(): void;
  /** Runs `callback` after the first view is painted, or at once if it has been. */
  run(callback: () => void): void;
}

/** `afterPaint` runs a callback once what is shown now is on screen (the next frame, then a task). */
export function firstView(afterPaint: (callback: () => void) => void): FirstView {
  let painted = false;
  let waiting = false;
  return {
    shown() {
      if (painted || waiting) return;
      waiting = true;
      afterPaint(() => {
        painted = true;
      });
    },
    run(callback) {
      if (painted) callback();
      else afterPaint(callback);
    },
  };
}
