/**
 * Positions an overlay element next to a CRM element with Floating UI (`strategy: 'fixed'`, so
 * scrolling containers of the CRM do not clip it) and reports when the anchor is gone: detached,
 * scrolled out of view or clipped away (`hide` middleware), so the caller hides instead of
 * pointing at nothing.
 */
import { arrow, flip, hide, offset, shift, useFloating, type Middleware, type Placement, type Side } from '@floating-ui/react-dom';
import { useMemo, useRef, useState, type CSSProperties } from 'react';
import { followAnchor, isAnchorGone, platformKeepingClippingAncestors, VIEWPORT_PADDING } from './pin';

const OPPOSITE_SIDE: Record<Side, Side> = { top: 'bottom', right: 'left', bottom: 'top', left: 'right' };

interface AnchoredOptions {
  placement?: Placement;
  /** Distance from the anchor; negative overlaps it. */
  gap?: number;
  /** Shift along the anchor's edge. */
  along?: number;
  /** Whether the card may move to the opposite side when it does not fit. */
  flips?: boolean;
}

export function useAnchoredFloating(
  anchor: Element | null,
  { placement = 'bottom', gap = 10, along = 0, flips = true }: AnchoredOptions = {},
) {
  const arrowRef = useRef<HTMLDivElement>(null);
  const [keptPlatform] = useState(platformKeepingClippingAncestors);
  // The same array while the options are: useFloating deep-compares a new one on every render.
  const middleware = useMemo(
    () => [
      offset({ mainAxis: gap, crossAxis: along }),
      flips && flip({ padding: VIEWPORT_PADDING }),
      shift({ padding: VIEWPORT_PADDING }),
      arrow({ element: arrowRef, padding: 8 }),
      hide(),
    ],
    [gap, along, flips],
  );
  const floating = useFloating({
    strategy: 'fixed',
    placement,
    elements: { reference: anchor },
    whileElementsMounted: followAnchor,
    platform: keptPlatform,
    middleware,
  });
  const side = floating.placement.split('-')[0] as Side;
  const arrowData = floating.middlewareData.arrow;
  const arrowStyle: CSSProperties = {
    left: arrowData?.x,
    top: arrowData?.y,
    [OPPOSITE_SIDE[side]]: -6,
  };
  const gone = isAnchorGone(anchor);
  return {
    setFloating: floating.refs.setFloating,
    floatingStyles: untilPositioned(floating.floatingStyles, floating.isPositioned),
    side,
    arrowRef,
    arrowStyle,
    /** Nothing to point at: the anchor is gone, or clipped or scrolled away. */
    hidden: gone || floating.middlewareData.hide?.referenceHidden === true,
    /** The anchor is missing or no longer in the page. */
    gone,
  };
}

const cover = (padding: number): Middleware => ({
  name: 'cover',
  fn: ({ rects }) => ({
    x: rects.reference.x - padding,
    y: rects.reference.y - padding,
    data: { width: rects.reference.width + 2 * padding, height: rects.reference.height + 2 * padding },
  }),
});

/** Places an element over the anchor, `padding` px larger on each side: the tour's highlight ring. */
export function useCoveringFloating(anchor: Element | null, padding: number) {
  const [keptPlatform] = useState(platformKeepingClippingAncestors);
  const middleware = useMemo(() => [cover(padding), hide()], [padding]);
  const floating = useFloating({
    strategy: 'fixed',
    elements: { reference: anchor },
    whileElementsMounted: followAnchor,
    platform: keptPlatform,
    middleware,
  });
  const size = floating.middlewareData['cover'] as { width: number; height: number } | undefined;
  return {
    setFloating: floating.refs.setFloating,
    style: { ...untilPositioned(floating.floatingStyles, floating.isPositioned), width: size?.width, height: size?.height },
    hidden: isAnchorGone(anchor) || floating.middlewareData.hide?.referenceHidden === true,
  };
}

/** Invisible (but measurable) until the first position is known, so nothing flashes at 0,0. */
function untilPositioned(styles: CSSProperties, isPositioned: boolean): CSSProperties {
  return isPositioned ? styles : { ...styles, visibility: 'hidden' };
}

