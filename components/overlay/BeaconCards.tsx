/**
 * The cards of the open beacons (`beacons.ts`), each drawn into its beacon's group so that the
 * pointer can move from the dot onto the card. Choosing in a card closes it, and gives focus
 * back to the dot if focus was in the card.
 */
import { useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import type { Translate } from '@/lib/i18n';
import type { BeaconLayer } from './beacons';
import { Tooltip } from './Tooltip';

export interface BeaconCardsProps {
  beacons: BeaconLayer;
  t: Translate;
  onSnooze: (key: string) => void;
  onDontShowAgain: (key: string) => void;
}

export function BeaconCards({ beacons, t, onSnooze, onDontShowAgain }: BeaconCardsProps) {
  const open = useSyncExternalStore(beacons.subscribe, beacons.getOpen);
  return open.map(({ tip, beacon, group, cardId }) => {
    const closeThen = (choice?: (key: string) => void) => () => {
      beacons.close(tip.key, { refocus: beacons.hasFocus(tip.key) });
      choice?.(tip.key);
    };
    return createPortal(
      <Tooltip
        anchor={beacon}
        id={cardId}
        title={tip.title}
        body={tip.body}
        wiifm={tip.wiifm}
        t={t}
        onGotIt={closeThen()}
        onSnooze={closeThen(onSnooze)}
        onDontShowAgain={closeThen(onDontShowAgain)}
        onClose={() => beacons.close(tip.key, { refocus: true })}
      />,
      group,
      tip.key,
    );
  });
}
