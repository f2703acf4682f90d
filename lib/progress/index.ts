/**
 * Progress: what each user did with the guidance, kept as events in IndexedDB (`store`), folded
 * into per-item, tour and checklist state (`state`) and into minutes saved (`minutes`).
 */

export {
  InvalidProgressEventError,
  PROGRESS_DB_NAME,
  ProgressStoreClosedError,
  openProgressStore,
  type AppendResult,
  type ProgressStore,
  type ProgressStoreOptions,
} from './store';
export {
  checklistDone,
  deriveProgressState,
  itemProgress,
  progressKey,
  tourProgress,
  type ItemProgress,
  type ProgressState,
  type TourProgress,
  type TourStatus,
} from './state';
export { minutesSaved, minutesSavedThisWeek, weekOf } from './minutes';
