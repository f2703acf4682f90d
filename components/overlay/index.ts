/**
 * The in-page overlay: presentational React components the content script renders into its
 * shadow root, with `overlay.css` injected there, and the tips' beacons, which are plain DOM
 * (`beacons.ts`) so that they show before React is loaded. They take localised strings and
 * callbacks.
 */
export { AnnouncementCard, type AnnouncementCardProps, type LocalizedEndorsement } from './AnnouncementCard';
export { BeaconLayer, type OpenBeacon } from './beacons';
export { BeaconCards, type BeaconCardsProps } from './BeaconCards';
export { HelpDialog, type HelpDialogProps } from './HelpDialog';
export { ChecklistSection, Launcher, minutesSentence, type LauncherChecklist, type LauncherProps, type LauncherTask, type LauncherTour } from './Launcher';
export { Tooltip, type LocalizedWiifm, type TooltipProps } from './Tooltip';
export { TourPopover, type TourPopoverProps } from './TourPopover';
