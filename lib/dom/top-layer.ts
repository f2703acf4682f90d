/**
 * Keeps the overlay's host element above the CRM: in the browser's top layer as a manual
 * popover (no z-index war with Lightning's modals), and inside an open modal `<dialog>` while
 * the guidance points into one — everything outside a modal dialog is inert, the top layer
 * included, so the overlay must live inside it to stay usable.
 */

const HOST_STYLE =
  'position:fixed;inset:0 auto auto 0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;background:transparent;color:inherit;';

export function liftToTopLayer(host: HTMLElement): void {
  host.setAttribute('style', HOST_STYLE);
  if (typeof host.showPopover !== 'function') return;
  host.popover = 'manual';
  show(host);
}

/** The open modal `<dialog>` (composed ancestors included) around `element`, or null. */
export function modalDialogAround(element: Element | null): HTMLDialogElement | null {
  for (let node: Element | null = element; node; ) {
    if (node instanceof HTMLDialogElement && node.open && node.matches(':modal')) return node;
    const parent: Element | null = node.parentElement;
    if (parent) node = parent;
    else {
      const root = node.getRootNode();
      node = root instanceof ShadowRoot ? root.host : null;
    }
  }
  return null;
}

/**
 * Moves the host into `dialog` (or back to `<body>` when null) and shows it on top again: a
 * move takes an element out of the top layer, and a popover shown later sits above one shown
 * earlier (so above the dialog itself).
 */
export function placeHost(host: HTMLElement, dialog: HTMLDialogElement | null, doc: Document): void {
  const parent = dialog ?? doc.body;
  if (host.parentElement === parent) return;
  parent.append(host);
  show(host);
}

function show(host: HTMLElement): void {
  if (typeof host.showPopover !== 'function' || !host.isConnected) return;
  try {
    if (host.matches(':popover-open')) host.hidePopover();
    host.showPopover();
  } catch (error) {
    // A page that removed popover support or styles :popover-open oddly still gets the overlay at its z-index.
    console.warn('[Ombord] could not lift the overlay to the top layer', error);
  }
}
