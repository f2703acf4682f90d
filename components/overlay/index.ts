/**
 * The in-page overlay: presentational React components the content script renders into its
 * shadow root, with `overlay.css` injected there. They take localised strings and callbacks.
 */
export { AnnouncementCard, type AnnouncementCardProps, type LocalizedEndorsement } from './AnnouncementCard';
export { Beacon, type BeaconProps } from './Beacon';
export { HelpDialog, type HelpDialogProps } from './HelpDialog';
export { ChecklistSection, Launcher, minutesSentence, type LauncherChecklist, type LauncherProps, type LauncherTask, type LauncherTour } from './Launcher';
export { Tooltip, type LocalizedWiifm, type TooltipProps } from './Tooltip';
export { TourPopover, type TourPopoverProps } from './TourPopover';
