/**
 * React's part of the overlay, loaded by the content script once its first view (the beacons) is
 * painted: the content script imports this module dynamically, so React DOM is evaluated only
 * then, not before the first tip shows.
 */
import { createRoot } from 'react-dom/client';
import { OverlayApp, type OverlayAppProps } from './OverlayApp';

export interface MountedOverlayApp {
  /** Shows the overlay for these props; `null` shows nothing. */
  render(props: OverlayAppProps | null): void;
  unmount(): void;
}

export function mountOverlayApp(container: HTMLElement): MountedOverlayApp {
  const root = createRoot(container);
  return {
    render: (props) => root.render(props === null ? null : <OverlayApp {...props} />),
    unmount: () => root.unmount(),
  };
}
