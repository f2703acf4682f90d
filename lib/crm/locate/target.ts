/**
 * What a piece of guidance anchors to, as content packs write it: an ordered list of strategies,
 * each naming a CRM element by meaning (API name, role, label) rather than by position. The zod
 * schemas validate packs with messages an admin can act on; the types are inferred from them.
 */
import { z } from 'zod';

// API names go into CSS attribute selectors. They are also escaped there (see `cssString`), but
// restricting them here turns a typo ("Account Phone", "Phone__c ") into a precise pack error
// instead of an anchor that silently never matches.
const salesforceApiName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*$/,
    'Expected a Salesforce API name (letters, digits, underscores; e.g. "Phone" or "Region__c"), not a label',
  );
const dynamicsLogicalName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*$/,
    'Expected a Dynamics logical name (lower case letters, digits, underscores; e.g. "telephone1"), not a display name',
  );
const nonBlank = (what: string) =>
  z.string().refine((value) => value.trim() !== '', `${what} must not be empty`);

// ARIA 1.2 concrete roles, so that a misspelt role is reported instead of never matching.
const ARIA_ROLES = [
  'alert', 'alertdialog', 'application', 'article', 'banner', 'blockquote', 'button', 'caption',
  'cell', 'checkbox', 'code', 'columnheader', 'combobox', 'complementary', 'contentinfo',
  'definition', 'deletion', 'dialog', 'directory', 'document', 'emphasis', 'feed', 'figure',
  'form', 'generic', 'grid', 'gridcell', 'group', 'heading', 'img', 'insertion', 'link', 'list',
  'listbox', 'listitem', 'log', 'main', 'marquee', 'math', 'menu', 'menubar', 'menuitem',
  'menuitemcheckbox', 'menuitemradio', 'meter', 'navigation', 'none', 'note', 'option',
  'paragraph', 'presentation', 'progressbar', 'radio', 'radiogroup', 'region', 'row', 'rowgroup',
  'rowheader', 'scrollbar', 'search', 'searchbox', 'separator', 'slider', 'spinbutton', 'status',
  'strong', 'subscript', 'superscript', 'switch', 'tab', 'table', 'tablist', 'tabpanel', 'term',
  'textbox', 'time', 'timer', 'toolbar', 'tooltip', 'tree', 'treegrid', 'treeitem',
] as const;

export const AnchorStrategySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('salesforceField'),
      /** Object API name (`Account`); omitted: the field on whatever object the page shows. */
      object: salesforceApiName.optional(),
      /** Field API name (`Phone`, `Region__c`). */
      field: salesforceApiName,
    })
    .strict(),
  z
    .object({
      kind: z.literal('salesforceButton'),
      object: salesforceApiName.optional(),
      /** Standard button name as in `sfdc:StandardButton.<Object>.<Action>` (`Edit`, `NewTask`). */
      action: salesforceApiName,
    })
    .strict(),
  z
    .object({
      kind: z.literal('selectionName'),
      /** A raw `data-target-selection-name`, e.g. for quick actions with generated names. */
      value: nonBlank('selectionName value'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('dynamicsField'),
      /** Column logical name (`telephone1`); anchors to its `<name>-FieldSectionItemContainer`. */
      name: dynamicsLogicalName,
    })
    .strict(),
  z
    .object({
      kind: z.literal('dataId'),
      /** Exact `data-id`, e.g. a Dynamics command bar button. */
      value: nonBlank('dataId value'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('role'),
      role: z.enum(ARIA_ROLES, { error: 'Expected an ARIA role such as "button", "link" or "tab"' }),
      /** Accessible name; compared trimmed, whitespace-collapsed and case-insensitively. */
      name: nonBlank('role name'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('label'),
      /** Visible field label; compared like `role.name`, ignoring a leading required-marker `*`. */
      text: nonBlank('label text'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('css'),
      /** Last resort. Checked against the page's selector engine when used: invalid ones are reported. */
      selector: nonBlank('css selector'),
    })
    .strict(),
]);

export const AnchorTargetSchema = z
  .object({ strategies: z.array(AnchorStrategySchema).min(1, 'An anchor needs at least one strategy') })
  .strict();

export type AnchorStrategy = z.infer<typeof AnchorStrategySchema>;
export type AnchorTarget = z.infer<typeof AnchorTargetSchema>;
export type AnchorStrategyKind = AnchorStrategy['kind'];
