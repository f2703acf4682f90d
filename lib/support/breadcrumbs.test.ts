// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { CrmContext } from '../crm/context';
import { BreadcrumbTrail, recordClicks } from './breadcrumbs';

const at = new Date('2025-03-01T10:00:00.000Z');
const context: CrmContext = {
  crm: 'salesforce',
  environment: 'production',
  pageType: 'record_view',
  object: 'Account',
  recordId: '001000000000001AAA',
  surface: 'lightning',
  host: 'acme.lightning.force.com',
  orgName: 'acme',
  sandboxName: null,
  app: null,
  listView: null,
  url: 'https://acme.lightning.force.com/lightning/r/Account/001000000000001AAA/view',
};

afterEach(() => {
  document.body.innerHTML = '';
});

function setUp(html: string) {
  document.body.innerHTML = html;
  const trail = new BreadcrumbTrail(() => at);
  const controller = new AbortController();
  recordClicks(document, trail, { signal: controller.signal, ignoreWithin: () => document.getElementById('ombord') });
  return { trail, controller };
}

describe('BreadcrumbTrail', () => {
  it('records navigations as page type and object, never the record id', () => {
    const trail = new BreadcrumbTrail(() => at);
    trail.navigated(context);
    trail.navigated({ ...context, pageType: 'home', object: null });
    expect(trail.list()).toEqual([
      { at: '2025-03-01T10:00:00.000Z', kind: 'navigation', label: 'record_view Account' },
      { at: '2025-03-01T10:00:00.000Z', kind: 'navigation', label: 'home' },
    ]);
  });

  it('keeps the last 20', () => {
    const trail = new BreadcrumbTrail(() => at);
    for (let i = 0; i < 25; i += 1) trail.clicked(`Button ${i}`);
    expect(trail.list()).toHaveLength(20);
    expect(trail.list()[0]?.label).toBe('Button 5');
  });
});

describe('recordClicks', () => {
  it('records the accessible name of buttons, links, tabs and menu items', () => {
    const { trail } = setUp(`
      <button id="b"><span>Log a Call</span></button>
      <a id="a" href="/x" title="ignored">Accounts</a>
      <div id="t" role="tab" aria-labelledby="tl"></div><span id="tl">Details</span>
      <div id="m" role="menuitem" aria-label="Edit"></div>
      <button id="i" title="Refresh"><svg></svg></button>
      <details><summary id="s">More   details</summary></details>
      <div id="r" role="menuitemradio">Sort by name</div>`);
    document.querySelector<HTMLElement>('#b span')?.click();
    for (const id of ['a', 't', 'm', 'i', 's', 'r']) document.getElementById(id)?.click();
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['Log a Call', 'Accounts', 'Details', 'Edit', 'Refresh', 'More details', 'Sort by name']);
  });

  it('never records input values, text fields, unlabelled elements or Ombord itself', () => {
    const { trail } = setUp(`
      <input id="submit" type="submit" value="kari@example.com">
      <textarea id="text">secret</textarea>
      <div role="button"><input id="inner" value="secret"></div>
      <div id="plain">Kari Nordmann</div>
      <a id="anchor-only" name="kari">Kari Nordmann</a>
      <div id="ombord"><button id="ours">Get help</button></div>
      <div contenteditable="true"><p><a id="typed-link" href="https://example.com">Kari's notes</a></p></div>
      <div role="combobox"><a id="option" href="/001">Acme Corporation</a></div>
      <div role="combobox"><span contenteditable="false"><button id="in-entry">Acme Corporation</button></span></div>
      <div id="host"></div>`);
    // A text entry the path goes through in a shadow root counts as well.
    const root = document.getElementById('host')?.attachShadow({ mode: 'open' });
    if (root) root.innerHTML = '<div role="textbox"><button id="in-shadow">Kari Nordmann</button></div>';
    for (const id of ['submit', 'text', 'inner', 'plain', 'anchor-only', 'ours', 'typed-link', 'option', 'in-entry']) document.getElementById(id)?.click();
    root?.getElementById('in-shadow')?.click();
    expect(trail.list()).toEqual([]);
  });

  it('finds the control inside an open shadow root', () => {
    // happy-dom neither retargets events nor puts slots in paths: slots and closed roots are
    // checked in Chromium (support.e2e.ts).
    const { trail } = setUp('<div id="open"></div>');
    const open = document.getElementById('open')?.attachShadow({ mode: 'open' });
    if (open) open.innerHTML = '<div><button id="inside">Follow</button></div>';
    open?.getElementById('inside')?.click();
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['Follow']);
  });

  it('labels a control the page removed right after the click, from what it was', () => {
    const { trail } = setUp('<div id="layout"><button id="cancel"><span>Cancel</span></button></div>');
    const layout = document.getElementById('layout');
    // Lightning re-renders the layout on Cancel: the button is gone before the labels are read.
    layout?.addEventListener('click', () => layout.replaceChildren());
    document.getElementById('cancel')?.click();
    expect(document.getElementById('cancel')).toBeNull();
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['Cancel']);
  });

  it('never records a link typed into editable content, also once the editor is gone', () => {
    const { trail } = setUp(`
      <div id="editor" contenteditable="true"><p><a id="typed" href="https://example.com">Kari's notes</a></p></div>
      <div contenteditable="true"><p contenteditable="false"><a id="fixed" href="/help">Help</a></p></div>`);
    const editor = document.getElementById('editor');
    editor?.addEventListener('click', () => editor.remove());
    document.getElementById('typed')?.click();
    document.getElementById('fixed')?.click();
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['Help']);
  });

  it('reads the labels of a burst of clicks soon after it, in order with navigations', () => {
    document.body.innerHTML = '<button id="save">Save</button><a id="next" href="/next">Next</a>';
    const idle: Array<() => void> = [];
    const trail = new BreadcrumbTrail(() => at, (task) => idle.push(task));
    const controller = new AbortController();
    recordClicks(document, trail, { signal: controller.signal });
    document.getElementById('save')?.click();
    document.getElementById('next')?.click();
    expect(idle).toHaveLength(1);
    idle[0]?.();
    trail.navigated(context);
    document.getElementById('next')?.click();
    expect(idle).toHaveLength(2);
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['Save', 'Next', 'record_view Account', 'Next']);
  });

  it('reads only as many labels of a long burst as the trail keeps, the newest', () => {
    document.body.innerHTML = Array.from({ length: 30 }, (_, i) => `<button id="b${i}">Button ${i}</button>`).join('');
    const later: Array<() => void> = [];
    const trail = new BreadcrumbTrail(() => at, (task) => later.push(task));
    recordClicks(document, trail, { signal: new AbortController().signal });
    trail.navigated(context);
    const buttons = [...document.querySelectorAll('button')];
    for (const button of buttons) button.click();
    // The ten oldest clicks would be pushed out of the trail by the twenty after them: never read.
    const read: number[] = [];
    const older = buttons.slice(0, 10);
    older.forEach((button, i) => {
      button.getAttribute = (name) => {
        read.push(i);
        return HTMLElement.prototype.getAttribute.call(button, name);
      };
    });
    expect(later).toHaveLength(1);
    later[0]?.();
    for (const button of older) Reflect.deleteProperty(button, 'getAttribute');
    expect(read).toEqual([]);
    expect(trail.list().map((crumb) => crumb.label)).toEqual(Array.from({ length: 20 }, (_, i) => `Button ${i + 10}`));
  });

  it('reads the labels at once when many clicks wait, keeping the navigation before them while they fit', () => {
    document.body.innerHTML = '<button id="save">Save</button><div id="plain">text</div>';
    const later: Array<() => void> = [];
    const trail = new BreadcrumbTrail(() => at, (task) => later.push(task));
    recordClicks(document, trail, { signal: new AbortController().signal });
    trail.navigated(context);
    // Clicks on no control take no place in the trail: the navigation stays.
    for (let i = 0; i < 59; i++) document.getElementById('plain')?.click();
    document.getElementById('save')?.click();
    expect(later).toHaveLength(1);
    expect(trail.list().map((crumb) => crumb.label)).toEqual(['record_view Account', 'Save']);
  });

  it('stops when the signal aborts', () => {
    const { trail, controller } = setUp('<button id="b">Save</button>');
    controller.abort();
    document.getElementById('b')?.click();
    expect(trail.list()).toEqual([]);
  });
});
