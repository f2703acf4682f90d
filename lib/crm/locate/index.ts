/**
 * The anchor locator: content packs describe targets (`target.ts`), the content script finds
 * them on the page (`locate.ts`) and reports them as plain data (`report.ts`).
 */
// The schemas are imported from './target' where needed: this index is what the content script
// loads, and it builds no schemas.
export type { AnchorStrategy, AnchorStrategyKind, AnchorTarget } from './target';
export { anchorTargetProblem, isAnchorTarget } from './shape';
export {
  DEFAULT_TIMEOUT_MS,
  anchorFinder,
  findAnchorNow,
  findAnchorsNow,
  locateAnchor,
  locateAnchors,
  mayLocateAmong,
  type LocateFailureReason,
  type LocateOptions,
  type LocateOutcome,
  type LocateResult,
  type TriedStrategy,
} from './locate';
export { describeStrategy } from './strategies';
export type { ShadowRootOf } from './tree-index';
export { describeLocateResult, type LocateReport, type LocatedElementReport } from './report';
