/**
 * The anchor locator: content packs describe targets (`target.ts`), the content script finds
 * them on the page (`locate.ts`) and reports them as plain data (`report.ts`).
 */
export { AnchorStrategySchema, AnchorTargetSchema, type AnchorStrategy, type AnchorStrategyKind, type AnchorTarget } from './target';
export {
  DEFAULT_TIMEOUT_MS,
  findAnchorNow,
  findAnchorsNow,
  locateAnchor,
  locateAnchors,
  type LocateFailureReason,
  type LocateOptions,
  type LocateOutcome,
  type LocateResult,
  type TriedStrategy,
} from './locate';
export { describeStrategy } from './strategies';
export type { ShadowRootOf } from './tree-index';
export { describeLocateResult, type LocateReport, type LocatedElementReport } from './report';
