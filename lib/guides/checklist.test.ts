import { describe, expect, it } from 'vitest';
import type { CrmContext } from '../crm/context';
import type { AnchorTarget } from '../crm/locate';
import { checklistTaskDoneBy } from './checklist';
import { ContentPackSchema, type Checklist } from './pack';

const dashboard: CrmContext = {
  crm: 'salesforce',
  environment: 'production',
  pageType: 'dashboard',
  object: null,
  recordId: null,
  surface: 'lightning',
  host: 'acme.lightning.force.com',
  orgName: 'acme',
  sandboxName: null,
  app: null,
  listView: null,
  url: 'https://acme.lightning.force.com/lightning/r/Dashboard/01Z000000000001AAA/view',
};
const opportunities: CrmContext = {
  ...dashboard,
  pageType: 'object_home',
  object: 'Opportunity',
  url: 'https://acme.lightning.force.com/lightning/o/Opportunity/home',
};
const text = (en: string) => ({ en });
const newButton = { strategies: [{ kind: 'salesforceButton', object: 'Opportunity', action: 'New' }] };
const nextStep = { strategies: [{ kind: 'salesforceField', field: 'NextStep' }] };

const pack = ContentPackSchema.parse({
  schemaVersion: 1,
  id: 'sales',
  version: 1,
  name: text('Sales'),
  defaultLocale: 'en',
  items: [
    { id: 'log-a-call', kind: 'tour', targeting: {}, title: text('Log a call'), steps: [{ id: 'hello', title: text('Hi'), body: text('Hi.'), advanceOn: { kind: 'next' } }] },
    {
      id: 'first-week',
      kind: 'checklist',
      targeting: {},
      title: text('First week'),
      tasks: [
        { id: 'log-call', title: text('Log a call'), completedBy: { kind: 'tour', tourId: 'log-a-call' } },
        {
          id: 'new-opportunity',
          title: text('Create an opportunity'),
          completedBy: { kind: 'action', on: 'click', anchor: newButton, where: { pageTypes: ['object_home', 'list_view'], objects: ['Opportunity'] } },
        },
        { id: 'next-step', title: text('Write a next step'), completedBy: { kind: 'action', on: 'input', anchor: nextStep } },
        { id: 'open-dashboard', title: text('Open a dashboard'), completedBy: { kind: 'visit', where: { pageTypes: ['dashboard'] } } },
        { id: 'any-dashboard-or-report', title: text('Open a report'), completedBy: { kind: 'visit', where: { pageTypes: ['dashboard', 'report'] } } },
      ],
    },
  ],
});
const checklist = pack.items.find((item): item is Checklist => item.kind === 'checklist');
if (!checklist) throw new Error('expected a checklist');

/** An anchor check that matches one anchor only, the way the content script's would. */
const onAnchor = (wanted: unknown) => (anchor: AnchorTarget) => JSON.stringify(anchor) === JSON.stringify(wanted);

describe('checklistTaskDoneBy', () => {
  it('completes a task by finishing its tour', () => {
    expect(checklistTaskDoneBy(checklist, { kind: 'tour_completed', tourId: 'log-a-call' })).toEqual(['log-call']);
    expect(checklistTaskDoneBy(checklist, { kind: 'tour_completed', tourId: 'another-tour' })).toEqual([]);
  });

  it('completes every task a visit satisfies, in checklist order', () => {
    expect(checklistTaskDoneBy(checklist, { kind: 'visit', context: dashboard })).toEqual(['open-dashboard', 'any-dashboard-or-report']);
    expect(checklistTaskDoneBy(checklist, { kind: 'visit', context: opportunities })).toEqual([]);
  });

  it('completes an action task on the same action, on its anchor, on its pages', () => {
    const click = { kind: 'action', on: 'click', anchorMatched: onAnchor(newButton) } as const;
    expect(checklistTaskDoneBy(checklist, { ...click, context: opportunities })).toEqual(['new-opportunity']);
    expect(checklistTaskDoneBy(checklist, { ...click, context: dashboard })).toEqual([]);
    expect(checklistTaskDoneBy(checklist, { ...click, on: 'input', context: opportunities })).toEqual([]);
    expect(checklistTaskDoneBy(checklist, { ...click, anchorMatched: onAnchor(nextStep), context: opportunities })).toEqual([]);
    expect(checklistTaskDoneBy(checklist, { kind: 'action', on: 'input', anchorMatched: onAnchor(nextStep), context: dashboard })).toEqual(['next-step']);
  });

  it('asks the anchor last, and only for action tasks of the same kind of action on a matching page', () => {
    const asked: AnchorTarget[] = [];
    checklistTaskDoneBy(checklist, {
      kind: 'action',
      on: 'click',
      anchorMatched: (anchor) => (asked.push(anchor), false),
      context: dashboard,
    });
    expect(asked).toEqual([]);
  });

  it('is not completed by a visit to a page an action task names', () => {
    expect(checklistTaskDoneBy(checklist, { kind: 'visit', context: opportunities })).not.toContain('new-opportunity');
  });
});
