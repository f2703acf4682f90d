/**
 * Which checklist tasks something the user just did completes: an action on an element, a visit
 * to a page, or a finished tour. The content script records `checklist_item_done` for each id
 * returned that `checklistDone` does not list yet.
 */
import type { CrmContext } from '../crm/context';
import type { AnchorTarget } from '../crm/locate';
import { matchesContext } from './context-match';
import type { Checklist } from './pack';

export type ObservedActivity =
  | {
      kind: 'action';
      on: 'click' | 'input';
      /** Whether the element acted on is (inside) what the anchor finds; asked last, as it reads the DOM. */
      anchorMatched: (anchor: AnchorTarget) => boolean;
      context: CrmContext;
    }
  | { kind: 'visit'; context: CrmContext }
  /** A tour of the checklist's own pack completed: task tour ids name tours of the same pack. */
  | { kind: 'tour_completed'; tourId: string };

/** The ids of the tasks `observed` completes, in the checklist's order. */
export function checklistTaskDoneBy(checklist: Checklist, observed: ObservedActivity): string[] {
  return checklist.tasks
    .filter(({ completedBy }) => {
      switch (completedBy.kind) {
        case 'tour':
          return observed.kind === 'tour_completed' && observed.tourId === completedBy.tourId;
        case 'visit':
          return observed.kind === 'visit' && matchesContext(completedBy.where, observed.context);
        case 'action':
          return (
            observed.kind === 'action' &&
            observed.on === completedBy.on &&
            (completedBy.where === undefined || matchesContext(completedBy.where, observed.context)) &&
            observed.anchorMatched(completedBy.anchor)
          );
      }
    })
    .map((task) => task.id);
}
