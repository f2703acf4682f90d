/**
 * A pulsing dot next to a CRM element that opens its tip. Hover or keyboard focus shows the
 * card; a click pins it open (or closes a pinned one), so Enter/Space toggle it from the
 * keyboard; Esc closes it and puts focus back on the dot. Nothing shows while the anchor is gone.
 */
import { useEffect, useEffectEvent, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { Translate } from '@/lib/i18n';
import { isAnchorGone, PINNED_STYLE, usePinnedFloating } from './floating';
import { focusQuietly } from './focus';
import { Tooltip, type LocalizedWiifm } from './Tooltip';

/** Why the card is open: hover and focus are passing, a click pins it. */
type OpenReason = 'hover' | 'focus' | 'pinned';

/** Time to move the pointer from the dot to the card before a hover-opened card closes. */
const HOVER_CLOSE_DELAY_MS = 300;

/** The beacon button's size in CSS pixels (overlay.css `.ob-beacon`). */
const BEACON_SIZE = 24;
const BEACON_PLACEMENT = { placement: 'top-end', gap: -BEACON_SIZE / 2, along: BEACON_SIZE / 2, size: BEACON_SIZE } as const;

export interface BeaconProps {
  /** The CRM element the tip is about; `null` or detached hides the beacon. */
  anchor: Element | null;
  title: string;
  body: string;
  wiifm?: LocalizedWiifm | undefined;
  t: Translate;
  onGotIt: () => void;
  onSnooze: () => void;
  onDontShowAgain: () => void;
  /** Each time the card opens (for the `seen` event). */
  onOpen?: () => void;
}

export function Beacon({ anchor, title, body, wiifm, t, onGotIt, onSnooze, onDontShowAgain, onOpen }: BeaconProps) {
  const tooltipId = useId();
  const [open, setOpen] = useState<OpenReason | null>(null);
  const [beacon, setBeacon] = useState<HTMLButtonElement | null>(null);
  const groupRef = useRef<HTMLDivElement>(null);
  const closeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Focus we give back to the dot after Esc must not reopen the card.
  const refocusing = useRef(false);
  const gone = isAnchorGone(anchor);

  const isOpen = open !== null;
  const reportOpen = useEffectEvent(() => onOpen?.());
  useEffect(() => {
    if (isOpen) reportOpen();
  }, [isOpen]);
  useEffect(() => () => clearTimeout(closeTimer.current), []);

  const close = ({ refocus }: { refocus: boolean }) => {
    clearTimeout(closeTimer.current);
    setOpen(null);
    if (refocus && beacon !== null) {
      refocusing.current = true;
      focusQuietly(beacon);
      refocusing.current = false;
    }
  };
  // Centred on the anchor's top-right corner, like a badge: it marks the element without
  // covering the controls next to it, whatever the layout around it. Clipped or scrolled away,
  // the dot is invisible (usePinnedFloating sees to that) and an open card closes. A closed one
  // renders nothing: anchors in a cached Lightning page are clipped, and back, at every switch
  // between pages, and a render per switch and beacon is work on the CRM's time (bench (b)).
  usePinnedFloating(anchor, beacon, BEACON_PLACEMENT, (clipped) => {
    if (clipped && open !== null) close({ refocus: false });
  });

  const focusIsInside = () => {
    const root = groupRef.current?.getRootNode() as Document | ShadowRoot | undefined;
    return root?.activeElement != null && (groupRef.current?.contains(root.activeElement) ?? false);
  };
  const closeThen = (callback: () => void) => () => {
    close({ refocus: focusIsInside() });
    callback();
  };

  const onPointerEnter = () => {
    clearTimeout(closeTimer.current);
    setOpen((reason) => reason ?? 'hover');
  };
  const onPointerLeave = () => {
    clearTimeout(closeTimer.current);
    closeTimer.current = setTimeout(() => setOpen((reason) => (reason === 'hover' ? null : reason)), HOVER_CLOSE_DELAY_MS);
  };
  const onBlur = (event: FocusEvent) => {
    if (groupRef.current?.contains(event.relatedTarget as Node | null)) return;
    setOpen((reason) => (reason === 'focus' ? null : reason));
  };
  const onBeaconFocus = () => {
    if (!refocusing.current) setOpen((reason) => reason ?? 'focus');
  };
  // A click after hovering pins the card rather than closing what the user is reading.
  const onBeaconClick = () => setOpen((reason) => (reason === null || reason === 'hover' ? 'pinned' : null));
  const onBeaconKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || open === null) return;
    event.stopPropagation();
    close({ refocus: false });
  };

  if (anchor === null) return null;
  return (
    <div ref={groupRef} className="ob-beacon-group" onPointerEnter={onPointerEnter} onPointerLeave={onPointerLeave} onBlur={onBlur}>
      <button
        ref={setBeacon}
        type="button"
        className="ob-root ob-beacon"
        aria-label={t('overlayBeaconLabel', title)}
        aria-haspopup="dialog"
        aria-expanded={isOpen}
        aria-controls={isOpen ? tooltipId : undefined}
        // While its anchor is clipped it keeps its box (`visibility`, as Floating UI suggests for
        // `hide`), so showing it again is one position update, not a second one for a new size.
        // Anchors in a cached Lightning page are clipped, and back, whenever the user switches pages.
        hidden={gone}
        style={PINNED_STYLE}
        onFocus={onBeaconFocus}
        onClick={onBeaconClick}
        onKeyDown={onBeaconKeyDown}
      >
        <span className="ob-beacon__dot" aria-hidden="true" />
      </button>
      {isOpen && (
        <Tooltip
          anchor={beacon}
          id={tooltipId}
          title={title}
          body={body}
          wiifm={wiifm}
          t={t}
          onGotIt={closeThen(onGotIt)}
          onSnooze={closeThen(onSnooze)}
          onDontShowAgain={closeThen(onDontShowAgain)}
          onClose={() => close({ refocus: true })}
        />
      )}
    </div>
  );
}
