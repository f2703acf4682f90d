// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  describeLocateResult,
  findAnchorNow,
  findAnchorsNow,
  locateAnchor,
  locateAnchors,
  mayLocateAmong,
  type AnchorStrategy,
  type AnchorTarget,
  type LocateOptions,
  type LocateResult,
} from './index';
import { compileStrategy, describeStrategy } from './strategies';

// Closed roots are kept here, as only the extension's privileged API could reach them.
const closedRoots = new WeakMap<Element, ShadowRoot>();
const shadowRootOf = (el: Element) => el.shadowRoot ?? closedRoots.get(el) ?? null;

function attach(host: Element, mode: ShadowRootMode, html: string): ShadowRoot {
  const root = host.attachShadow({ mode });
  if (mode === 'closed') closedRoots.set(host, root);
  root.innerHTML = html;
  return root;
}

function page(html: string): void {
  document.body.innerHTML = html;
}

const byId = (id: string, root: Document | ShadowRoot = document) => root.getElementById(id);
const target = (...strategies: AnchorStrategy[]): AnchorTarget => ({ strategies });
const options = (extra: Partial<LocateOptions> = {}): LocateOptions => ({ document, shadowRootOf, ...extra });
const found = (result: LocateResult) => (result.ok ? result.element : result.message);

const sfField = (object: string, field: string, label: string, id = '') => `
  <records-record-layout-item field-label="${label}">
    <div ${id ? `id="${id}"` : ''} data-target-selection-name="sfdc:RecordField.${object}.${field}">
      <div class="slds-form-element"><div class="test-id__field-label-container"><span class="test-id__field-label">${label}</span></div>
      <div class="slds-form-element__control"><span class="test-id__field-value">value</span></div></div>
    </div>
  </records-record-layout-item>`;

afterEach(() => {
  page('');
  vi.unstubAllGlobals();
});

describe('strategies', () => {
  it('salesforceField: the container stamped with the field API name, with or without the object', () => {
    page(`${sfField('Account', 'MobilePhone', 'Mobile', 'mobile')}${sfField('Account', 'Phone', 'Phone', 'phone')}`);
    expect(found(findAnchorNow(target({ kind: 'salesforceField', object: 'Account', field: 'Phone' }), options()))).toBe(byId('phone'));
    expect(found(findAnchorNow(target({ kind: 'salesforceField', field: 'Phone' }), options()))).toBe(byId('phone'));
    expect(findAnchorNow(target({ kind: 'salesforceField', object: 'Contact', field: 'Phone' }), options()).ok).toBe(false);
  });

  it('salesforceField: edit-mode inputs and lightning-input-field', () => {
    page(`<records-record-layout-item field-label="Phone"><lightning-input><label for="i1">Phone</label><input id="i1" name="Phone"></lightning-input></records-record-layout-item>
          <lightning-input-field id="custom" field-name="Region__c"></lightning-input-field>
          <form><input id="unrelated" name="Fax"></form>`);
    expect(found(findAnchorNow(target({ kind: 'salesforceField', object: 'Account', field: 'Phone' }), options()))).toBe(byId('i1'));
    expect(found(findAnchorNow(target({ kind: 'salesforceField', field: 'Region__c' }), options()))).toBe(byId('custom'));
    expect(findAnchorNow(target({ kind: 'salesforceField', field: 'Fax' }), options()).ok).toBe(false);
  });

  it('salesforceField: an edit input inside a component’s shadow root still belongs to its layout item', () => {
    page('<records-record-layout-item field-label="Phone"><lightning-input id="host"></lightning-input></records-record-layout-item><lightning-input id="loose"></lightning-input>');
    const root = attach(byId('host') as Element, 'closed', '<input id="phone" name="Phone">');
    attach(byId('loose') as Element, 'open', '<input name="Fax">');
    expect(found(findAnchorNow(target({ kind: 'salesforceField', field: 'Phone' }), options()))).toBe(byId('phone', root));
    expect(findAnchorNow(target({ kind: 'salesforceField', field: 'Fax' }), options()).ok).toBe(false);
  });

  it('salesforceButton, selectionName, dynamicsField and dataId', () => {
    page(`<ul><li id="edit" data-target-selection-name="sfdc:StandardButton.Account.Edit"><a>Edit</a></li>
          <li id="qa" data-target-selection-name="d3d97191b9714f2388cd2ad681fdc4ed"><a>Log a Call</a></li></ul>
          <div id="tel" data-id="telephone1-FieldSectionItemContainer"><label id="x-telephone1-field-label">Business Phone</label>
            <input data-id="telephone1.fieldControl-text-box-text"></div>
          <button id="save" data-id="account|NoRelationship|Form|Mscrm.Form.account.Save">Save</button>`);
    expect(found(findAnchorNow(target({ kind: 'salesforceButton', object: 'Account', action: 'Edit' }), options()))).toBe(byId('edit'));
    expect(found(findAnchorNow(target({ kind: 'salesforceButton', action: 'Edit' }), options()))).toBe(byId('edit'));
    expect(found(findAnchorNow(target({ kind: 'selectionName', value: 'd3d97191b9714f2388cd2ad681fdc4ed' }), options()))).toBe(byId('qa'));
    expect(found(findAnchorNow(target({ kind: 'dynamicsField', name: 'telephone1' }), options()))).toBe(byId('tel'));
    expect(found(findAnchorNow(target({ kind: 'dataId', value: 'account|NoRelationship|Form|Mscrm.Form.account.Save' }), options()))).toBe(
      byId('save'),
    );
  });

  it('role: explicit and implicit roles, names from aria, labels, content and title', () => {
    page(`<div id="tab" role="tab" aria-label="  Related ">x</div>
          <button id="save"> Save
            record </button>
          <span id="lbl">Account  Name</span><input id="name" aria-labelledby="lbl">
          <label for="phone">Phone</label><input id="phone" type="tel">
          <label><input id="vip" type="checkbox"> VIP</label>
          <select id="stage"><option>New</option></select><label for="stage">Stage</label>
          <a id="help" href="/help" title="Help for this page"></a>
          <h2 id="details">Details</h2>
          <div id="fake" role="button">Cancel</div><button id="real-cancel" role="menuitem">Cancel</button>`);
    const role = (r: Extract<AnchorStrategy, { kind: 'role' }>['role'], name: string) =>
      found(findAnchorNow(target({ kind: 'role', role: r, name }), options()));
    expect(role('tab', 'related')).toBe(byId('tab'));
    expect(role('button', 'SAVE RECORD')).toBe(byId('save'));
    expect(role('textbox', 'Account Name')).toBe(byId('name'));
    expect(role('textbox', 'Phone')).toBe(byId('phone'));
    expect(role('checkbox', 'VIP')).toBe(byId('vip'));
    expect(role('combobox', 'Stage')).toBe(byId('stage'));
    expect(role('link', 'Help for this page')).toBe(byId('help'));
    expect(role('heading', 'Details')).toBe(byId('details'));
    expect(role('button', 'Cancel')).toBe(byId('fake'));
    expect(role('menuitem', 'Cancel')).toBe(byId('real-cancel'));
    expect(findAnchorNow(target({ kind: 'role', role: 'button', name: 'Sav' }), options()).ok).toBe(false);
  });

  it('role: aria-labelledby resolves inside the same shadow root', () => {
    page('<div id="host"></div><span id="lbl">Outside</span>');
    const root = attach(byId('host') as Element, 'open', '<span id="lbl">Inside</span><div id="box" role="textbox" aria-labelledby="lbl"></div>');
    expect(found(findAnchorNow(target({ kind: 'role', role: 'textbox', name: 'Inside' }), options()))).toBe(byId('box', root));
  });

  it('label: Salesforce view and edit labels, Dynamics field labels', () => {
    page(`${sfField('Account', 'Phone', 'Phone')}
          <records-record-layout-item id="item"><div><span class="test-id__field-label">Account  Owner</span></div></records-record-layout-item>
          <lightning-input><label for="site"><abbr title="required">*</abbr>Account Site</label><input id="site" name="Site"></lightning-input>
          <div id="dyn" data-id="telephone1-FieldSectionItemContainer"><label id="id-1-telephone1-field-label">Business Phone</label></div>`);
    const label = (text: string) => found(findAnchorNow(target({ kind: 'label', text }), options()));
    expect(label('phone')).toBe(document.querySelector('records-record-layout-item[field-label="Phone"]'));
    expect(label('Account Owner')).toBe(byId('item'));
    expect(label('Account Site')).toBe(byId('site'));
    expect(label('Business Phone')).toBe(byId('dyn'));
  });

  it('css: valid selectors match; invalid ones are reported, not thrown, and later strategies still run', () => {
    page('<nav><one-app-nav-bar-item-root id="nav" data-id="Account"></one-app-nav-bar-item-root></nav>');
    expect(found(findAnchorNow(target({ kind: 'css', selector: 'one-app-nav-bar-item-root[data-id=Account]' }), options()))).toBe(byId('nav'));
    const result = findAnchorNow(target({ kind: 'css', selector: 'div[[' }, { kind: 'dataId', value: 'Account' }), options());
    expect(result).toMatchObject({ ok: true, strategyIndex: 1, element: byId('nav') });
    const invalid = findAnchorNow(target({ kind: 'css', selector: 'div[[' }), options());
    expect(invalid).toMatchObject({ ok: false, reason: 'not_found', tried: [{ outcome: 'invalid_selector' }] });
  });

  it('tries strategies in order and reports which one matched', () => {
    page(sfField('Account', 'Phone', 'Phone', 'phone'));
    const result = findAnchorNow(
      target({ kind: 'salesforceField', object: 'Account', field: 'Fax' }, { kind: 'label', text: 'Phone' }, { kind: 'salesforceField', field: 'Phone' }),
      options(),
    );
    expect(result).toMatchObject({ ok: true, strategyIndex: 1, strategy: { kind: 'label', text: 'Phone' } });
  });

  it('the crm option skips the other CRM’s strategies and Lightning page scoping', () => {
    page(`<div class="windowViewMode-normal"><div id="tel" data-id="telephone1-FieldSectionItemContainer"></div></div>
          <div data-target-selection-name="sfdc:RecordField.Account.Phone"></div>`);
    expect(found(findAnchorNow(target({ kind: 'dynamicsField', name: 'telephone1' }), options({ crm: 'dynamics' })))).toBe(byId('tel'));
    expect(findAnchorNow(target({ kind: 'salesforceField', field: 'Phone' }), options({ crm: 'dynamics' })).ok).toBe(false);
    expect(findAnchorNow(target({ kind: 'dynamicsField', name: 'telephone1' }), options({ crm: 'salesforce' })).ok).toBe(false);
  });

  it('rejects a malformed target with the path of the problem', () => {
    const result = findAnchorNow({ strategies: [{ kind: 'salesforceField', object: 'Account' }] } as unknown as AnchorTarget, options());
    expect(result).toMatchObject({ ok: false, reason: 'invalid_target', tried: [] });
    expect(result.ok ? '' : result.message).toMatch(/^Invalid anchor target: strategies\.0\.field: expected a non-empty string/);
  });
});

describe('shadow DOM', () => {
  const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });

  it('pierces open roots', () => {
    page('<records-lwc-detail-panel id="host"></records-lwc-detail-panel>');
    const root = attach(byId('host') as Element, 'open', sfField('Account', 'Phone', 'Phone', 'phone'));
    expect(found(findAnchorNow(phone, options({ shadowRootOf: undefined })))).toBe(byId('phone', root));
  });

  it('reaches closed roots only through shadowRootOf', () => {
    page('<records-lwc-detail-panel id="host"></records-lwc-detail-panel>');
    const root = attach(byId('host') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    expect(findAnchorNow(phone, options({ shadowRootOf: undefined })).ok).toBe(false);
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone', root));
  });

  it('stays out of every shadow root, without asking about any, when told not to pierce them', () => {
    page(`<records-lwc-detail-panel id="host"></records-lwc-detail-panel>
          <div class="windowViewMode-normal active">${sfField('Account', 'Name', 'Account Name', 'name')}</div>`);
    attach(byId('host') as Element, 'open', sfField('Account', 'Phone', 'Phone', 'phone'));
    const asked = vi.fn(shadowRootOf);
    expect(findAnchorNow(phone, options({ shadowRootOf: asked, pierceShadowRoots: false })).ok).toBe(false);
    expect(found(findAnchorNow(target({ kind: 'salesforceField', object: 'Account', field: 'Name' }), options({ shadowRootOf: asked, pierceShadowRoots: false })))).toBe(byId('name'));
    expect(asked).not.toHaveBeenCalled();
    // The full search still finds the first one.
    expect(found(findAnchorNow(phone, options({ shadowRootOf: asked })))).toBeTruthy();
  });

  it('tries only the first strategy when not piercing shadow roots: an earlier one may match inside one', () => {
    page(`<div class="windowViewMode-normal active"><records-lwc-detail-panel id="host"></records-lwc-detail-panel>
          <span class="test-id__field-label" id="label">Phone</span></div>`);
    const root = attach(byId('host') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    const phoneOrCss = target({ kind: 'dynamicsField', name: 'telephone1' }, { kind: 'salesforceField', object: 'Account', field: 'Phone' }, { kind: 'css', selector: '#label' });
    const light = findAnchorNow(phoneOrCss, options({ crm: 'salesforce', pierceShadowRoots: false }));
    // The Dynamics strategy cannot apply here; the field's is the first that can, and it is in a shadow root.
    expect(light).toMatchObject({ ok: false, tried: [{ outcome: 'no_match' }, { strategy: { kind: 'salesforceField' }, outcome: 'no_match' }] });
    expect(found(findAnchorNow(phoneOrCss, options({ crm: 'salesforce' })))).toBe(byId('phone', root));
  });

  it('pierces nested roots, open inside closed inside open', () => {
    page('<flexipage-tab2 id="outer"></flexipage-tab2>');
    const outer = attach(byId('outer') as Element, 'open', '<records-lwc-record-layout id="middle"></records-lwc-record-layout>');
    const middle = attach(byId('middle', outer) as Element, 'closed', '<records-record-layout-section id="inner"></records-record-layout-section>');
    const inner = attach(byId('inner', middle) as Element, 'open', sfField('Account', 'Phone', 'Phone', 'phone'));
    const result = findAnchorNow(phone, options());
    expect(found(result)).toBe(byId('phone', inner));
    expect(describeLocateResult(result)).toMatchObject({ ok: true, element: { inShadowRoot: 'closed' } });
    // Labels resolve to their field container across the same boundaries.
    expect(found(findAnchorNow(target({ kind: 'label', text: 'Phone' }), options()))).toBe(inner.querySelector('records-record-layout-item'));
  });

  it('asks shadowRootOf only about elements that can host a shadow root', () => {
    page('<div id="host"></div><ul><li><a href="#">Link</a></li></ul><button>Save</button><force-highlights-panel></force-highlights-panel>');
    const root = attach(byId('host') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    const asked = vi.fn(shadowRootOf);
    expect(found(findAnchorNow(phone, options({ shadowRootOf: asked })))).toBe(byId('phone', root));
    const names = new Set(asked.mock.calls.map(([el]) => el.localName));
    expect(names).toContain('div');
    expect(names).toContain('force-highlights-panel');
    for (const name of ['ul', 'li', 'a', 'button']) expect(names).not.toContain(name);
  });
});

describe('page scoping', () => {
  const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });

  it('skips cached inactive Lightning pages, also across shadow boundaries', () => {
    page(`<div class="windowViewMode-normal"><div id="old-host"></div></div>
          <div class="windowViewMode-normal active"><div id="new-host"></div></div>`);
    attach(byId('old-host') as Element, 'closed', sfField('Account', 'Phone', 'Phone'));
    const current = attach(byId('new-host') as Element, 'open', sfField('Account', 'Phone', 'Phone', 'phone'));
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone', current));
  });

  it('reports a match that exists only in an inactive page (standard and console)', () => {
    page(`<div class="windowViewMode-normal">${sfField('Account', 'Phone', 'Phone')}</div>
          <section class="oneConsoleTab"><div class="windowViewMode-maximized lafPageHost">${sfField('Account', 'Phone', 'Phone')}</div></section>`);
    const result = findAnchorNow(target({ kind: 'salesforceField', object: 'Account', field: 'Phone' }, { kind: 'label', text: 'Phone' }), options());
    expect(result).toMatchObject({
      ok: false,
      tried: [{ outcome: 'inactive_page' }, { outcome: 'inactive_page' }],
      message: 'No element matched; tried: salesforceField Account.Phone (only in an inactive page), label "Phone" (only in an inactive page)',
    });
  });

  it('keeps modals and the global header in scope', () => {
    page(`<div id="oneHeader"><button id="search" aria-label="Search">S</button></div>
          <div class="windowViewMode-normal"></div>
          <div class="uiModal"><section role="dialog"><div data-aura-class="oneRecordActionWrapper">
            <records-record-layout-item><input id="modal-phone" name="Phone"></records-record-layout-item></div></section></div>`);
    expect(found(findAnchorNow(phone, options()))).toBe(byId('modal-phone'));
    expect(found(findAnchorNow(target({ kind: 'role', role: 'button', name: 'search' }), options()))).toBe(byId('search'));
  });

  it('while a modal is open, finds only what is inside it', () => {
    page(`<div class="windowViewMode-normal active">${sfField('Account', 'Phone', 'Phone', 'page-phone')}</div>
          <div class="uiModal"><section role="dialog" aria-modal="true"><div data-aura-class="oneRecordActionWrapper">
            <records-record-layout-item><input id="modal-phone" name="Phone"></records-record-layout-item></div></section></div>`);
    expect(found(findAnchorNow(phone, options()))).toBe(byId('modal-phone'));
    const behind = findAnchorNow(target({ kind: 'salesforceField', object: 'Account', field: 'Phone' }, { kind: 'css', selector: '#page-phone' }), options());
    expect(found(behind)).toBe(byId('modal-phone'));
    const onlyBehind = findAnchorNow(target({ kind: 'css', selector: '#page-phone' }), options());
    expect(onlyBehind.ok).toBe(false);
    if (!onlyBehind.ok) expect(onlyBehind.message).toContain('only behind an open modal');
    document.querySelector('section[role=dialog]')?.removeAttribute('aria-modal');
    expect(found(findAnchorNow(target({ kind: 'css', selector: '#page-phone' }), options()))).toBe(byId('page-phone'));
  });

  it('skips elements that are not rendered', () => {
    page(`<div style="display: none">${sfField('Account', 'Phone', 'Phone')}</div>`);
    expect(findAnchorNow(phone, options())).toMatchObject({ ok: false, tried: [{ outcome: 'hidden' }] });
  });

  it('finds an element that is not rendered only when asked to, a rendered match of the same strategy first', () => {
    page(`<div class="windowViewMode-normal active">
            <div id="tab" style="display: none">${sfField('Account', 'Phone', 'Phone', 'hidden-phone')}</div>
            <button id="unshown" style="display: none">Dial</button><button id="shown">Call</button>
          </div>
          <div class="windowViewMode-normal">${sfField('Account', 'Phone', 'Phone', 'cached-phone')}</div>`);
    const accepting = options({ acceptUnrendered: true });
    expect(findAnchorNow(phone, options())).toMatchObject({ ok: false, tried: [{ outcome: 'hidden' }] });
    expect(found(findAnchorNow(phone, accepting))).toBe(byId('hidden-phone'));
    // The first strategy that matches on the page wins, rendered or not: the author's first choice.
    const orCall = target(phone.strategies[0] as AnchorStrategy, { kind: 'role', role: 'button', name: 'Call' });
    expect(findAnchorNow(orCall, accepting)).toMatchObject({ ok: true, element: byId('hidden-phone'), strategyIndex: 0 });
    // Within a strategy, a rendered match comes before an unrendered one earlier in the page.
    const unshownFirst = target({ kind: 'css', selector: 'button' });
    expect(found(findAnchorNow(unshownFirst, accepting))).toBe(byId('shown'));
    expect(found(findAnchorNow(target({ kind: 'css', selector: '#unshown' }), accepting))).toBe(byId('unshown'));
    // A cached page that is not shown is still out of scope.
    byId('tab')?.remove();
    expect(findAnchorNow(phone, accepting)).toMatchObject({ ok: false, tried: [{ outcome: 'inactive_page' }] });
    expect(findAnchorNow(orCall, accepting)).toMatchObject({ ok: true, element: byId('shown'), strategyIndex: 1 });
  });

  it('stops waiting at an unrendered element when asked to accept it', async () => {
    page('<div class="windowViewMode-normal active"><div id="later"></div></div>');
    const pending = locateAnchor(phone, options({ acceptUnrendered: true, timeoutMs: 5000 }));
    byId('later')?.insertAdjacentHTML('beforeend', `<div style="display: none">${sfField('Account', 'Phone', 'Phone', 'tabbed-phone')}</div>`);
    expect(found(await pending)).toBe(byId('tabbed-phone'));
  });
});

describe('waiting for late renders', () => {
  const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });

  /** Counts observers and disconnects, to prove that a locate leaves nothing observing. */
  function trackObservers() {
    const live = new Set<MutationObserver>();
    const Native = MutationObserver;
    class Tracked extends Native {
      override observe(target: Node, init?: MutationObserverInit) {
        live.add(this);
        super.observe(target, init);
      }
      override disconnect() {
        live.delete(this);
        super.disconnect();
      }
    }
    vi.stubGlobal('MutationObserver', Tracked);
    return live;
  }

  it('finds an element rendered after the locate started', async () => {
    const live = trackObservers();
    page('<div class="windowViewMode-normal active" id="page"></div>');
    const pending = locateAnchor(phone, options({ timeoutMs: 1000 }));
    setTimeout(() => byId('page')?.insertAdjacentHTML('beforeend', sfField('Account', 'Phone', 'Phone', 'phone')), 20);
    expect(found(await pending)).toBe(byId('phone'));
    expect(live.size).toBe(0);
  });

  it.each([
    [1, 250, 400],
    [3, 480, 700],
  ])('with retryBackoff %i, retries that keep failing come less often (found between %i and %i ms)', async (backoff, after, by) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    try {
      page('<div class="windowViewMode-normal active" id="page"><div id="busy"></div></div>');
      // The page keeps changing, so every wait ends in a retry.
      const busy = setInterval(() => byId('busy')?.replaceChildren(document.createElement('span')), 10);
      let foundAt = -1;
      const start = performance.now();
      void locateAnchor(phone, options({ timeoutMs: 2000, retryEveryMs: 100, retryBackoff: backoff })).then((result) => {
        if (result.ok) foundAt = performance.now() - start;
      });
      await vi.advanceTimersByTimeAsync(250);
      byId('page')?.insertAdjacentHTML('beforeend', sfField('Account', 'Phone', 'Phone', 'phone'));
      await vi.advanceTimersByTimeAsync(700);
      clearInterval(busy);
      // Retries about every 100 ms (and a frame) find it at the next one; with waits growing
      // threefold (100, 300 ms…) the retry after it comes ~300 ms after the one before.
      expect(foundAt).toBeGreaterThan(after);
      expect(foundAt).toBeLessThanOrEqual(by);
    } finally {
      vi.useRealTimers();
    }
  });

  it('finds an element rendered late inside an existing closed shadow root', async () => {
    const live = trackObservers();
    page('<div class="windowViewMode-normal active"><records-lwc-detail-panel id="host"></records-lwc-detail-panel></div>');
    const root = attach(byId('host') as Element, 'closed', '<div class="spinner"></div>');
    const pending = locateAnchor(target({ kind: 'label', text: 'Phone' }), options({ timeoutMs: 1000 }));
    setTimeout(() => root.querySelector('.spinner')?.replaceWith(document.createRange().createContextualFragment(sfField('Account', 'Phone', 'Phone'))), 20);
    expect(found(await pending)).toBe(root.querySelector('records-record-layout-item'));
    expect(live.size).toBe(0);
  });

  it('finds an element inside a component (with its own shadow root) added late', async () => {
    page('<div class="windowViewMode-normal active" id="page"></div>');
    const pending = locateAnchor(phone, options({ timeoutMs: 1000 }));
    let root: ShadowRoot | undefined;
    setTimeout(() => {
      const host = document.createElement('records-lwc-detail-panel');
      root = attach(host, 'closed', '<div id="slot"></div>');
      byId('page')?.append(host);
    }, 10);
    // …and whose content arrives after the host was observed.
    setTimeout(() => byId('slot', root)?.insertAdjacentHTML('beforeend', sfField('Account', 'Phone', 'Phone', 'phone')), 40);
    const result = await pending;
    expect(root && found(result)).toBe(root && byId('phone', root));
  });

  it('finds an element once it gets its API-name attribute', async () => {
    page('<div class="windowViewMode-normal active"><div id="host"></div></div>');
    const root = attach(byId('host') as Element, 'open', '<div id="phone"></div>');
    const pending = locateAnchor(phone, options({ timeoutMs: 1000 }));
    setTimeout(() => byId('phone', root)?.setAttribute('data-target-selection-name', 'sfdc:RecordField.Account.Phone'), 20);
    expect(found(await pending)).toBe(byId('phone', root));
  });

  it('finds an element once its cached page becomes active', async () => {
    page(`<div class="windowViewMode-normal" id="page">${sfField('Account', 'Phone', 'Phone', 'phone')}</div>`);
    const pending = locateAnchor(phone, options({ timeoutMs: 1000 }));
    setTimeout(() => byId('page')?.classList.add('active'), 20);
    expect(found(await pending)).toBe(byId('phone'));
  });

  it('finds an element rendered while its cached page was inactive, once the page becomes active', async () => {
    page('<div class="windowViewMode-normal" id="cached"></div><div class="windowViewMode-normal active" id="shown"></div>');
    const pending = locateAnchor(phone, options({ timeoutMs: 1000 }));
    // Rendered into the cached page, inside a component: not in scope, so not indexed yet…
    setTimeout(() => {
      const host = document.createElement('records-lwc-detail-panel');
      attach(host, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
      byId('cached')?.append(host);
    }, 20);
    // …until the user goes back to that page.
    setTimeout(() => {
      byId('shown')?.classList.remove('active');
      byId('cached')?.classList.add('active');
    }, 80);
    const result = await pending;
    const host = byId('cached')?.querySelector('records-lwc-detail-panel');
    expect(found(result)).toBe(host && closedRoots.get(host)?.getElementById('phone'));
  });

  it('times out with not_found and the list of what was tried', async () => {
    const live = trackObservers();
    page(`<div class="windowViewMode-normal"><span class="test-id__field-label">Phone</span></div>`);
    const started = Date.now();
    const result = await locateAnchor(target({ kind: 'salesforceField', object: 'Account', field: 'Phone' }, { kind: 'label', text: 'Phone' }), options({ timeoutMs: 60 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(result).toEqual({
      ok: false,
      reason: 'not_found',
      tried: [
        { strategy: { kind: 'salesforceField', object: 'Account', field: 'Phone' }, outcome: 'no_match' },
        { strategy: { kind: 'label', text: 'Phone' }, outcome: 'inactive_page' },
      ],
      message: 'No element matched within 60 ms; tried: salesforceField Account.Phone (no match), label "Phone" (only in an inactive page)',
    });
    expect(live.size).toBe(0);
  });

  it('stops when aborted, and does not start when already aborted', async () => {
    const live = trackObservers();
    page('<div></div>');
    const controller = new AbortController();
    const pending = locateAnchor(phone, options({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toMatchObject({ ok: false, reason: 'aborted', tried: [{ outcome: 'no_match' }] });
    expect(live.size).toBe(0);
    expect(await locateAnchor(phone, options({ signal: controller.signal }))).toMatchObject({ ok: false, reason: 'aborted', tried: [] });
  });

  it('waits for several targets with one observer, and reports each as soon as it is found', async () => {
    const live = trackObservers();
    page('<div class="windowViewMode-normal active" id="page"></div>');
    const email = target({ kind: 'salesforceField', object: 'Account', field: 'Email' });
    const heard: Array<[number, Element | string, number]> = [];
    const started = performance.now();
    const pending = locateAnchors([phone, email], options({ timeoutMs: 300 }), (i, result) => heard.push([i, found(result), performance.now() - started]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(live.size).toBe(1);
    setTimeout(() => byId('page')?.insertAdjacentHTML('beforeend', sfField('Account', 'Phone', 'Phone', 'phone')), 20);
    const results = await pending;
    expect(results.map(found)).toEqual([byId('phone'), expect.stringContaining('No element matched within 300 ms')]);
    expect(heard.map(([i, result]) => [i, result])).toEqual(results.map((result, i) => [i, found(result)]));
    // The one found did not wait for the other to time out.
    expect(heard[0]?.[2]).toBeLessThan(200);
    expect(live.size).toBe(0);
  });

  it('gives a target it is told not to wait for one attempt, in the same search, and waits for the others', async () => {
    const live = trackObservers();
    page('<div class="windowViewMode-normal active" id="page"></div>');
    const email = target({ kind: 'salesforceField', object: 'Account', field: 'Email' });
    const heard: number[] = [];
    const pending = locateAnchors([phone, email], options({ timeoutMs: 300, waitsFor: (i) => i === 0 }), (i) => heard.push(i));
    // The one not waited for is settled at once, as not found; the other waits.
    expect(heard).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(live.size).toBe(1);
    setTimeout(() => byId('page')?.insertAdjacentHTML('beforeend', sfField('Account', 'Phone', 'Phone', 'phone')), 20);
    const results = await pending;
    expect(results.map(found)).toEqual([byId('phone'), expect.stringContaining('No element matched')]);
    expect(live.size).toBe(0);

    // Nothing to wait for: no observer at all.
    const once = await locateAnchors([email], options({ timeoutMs: 60_000, waitsFor: () => false }));
    expect(once[0]).toMatchObject({ ok: false, reason: 'not_found' });
    expect(live.size).toBe(0);
  });

  it('does not wait for a target that can never match', async () => {
    const live = trackObservers();
    const result = await locateAnchor(target({ kind: 'css', selector: ':::' }), options({ timeoutMs: 60_000 }));
    expect(result).toMatchObject({ ok: false, reason: 'not_found', tried: [{ outcome: 'invalid_selector' }] });
    expect(live.size).toBe(0);
  });
});

describe('remembered elements and batches', () => {
  it('finds the re-rendered replacement of a remembered element', () => {
    page('<div class="windowViewMode-normal active"><records-lwc-detail-panel id="host"></records-lwc-detail-panel></div>');
    const root = attach(byId('host') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });
    const first = byId('phone', root);
    expect(found(findAnchorNow(phone, options()))).toBe(first);
    expect(found(findAnchorNow(phone, options()))).toBe(first);
    root.innerHTML = sfField('Account', 'Phone', 'Phone', 'phone');
    expect(byId('phone', root)).not.toBe(first);
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone', root));
  });

  it('finds the replacement when the whole component around a remembered element was re-rendered', () => {
    page('<div class="windowViewMode-normal active"><div class="region" id="region"><records-lwc-detail-panel id="host"></records-lwc-detail-panel></div></div>');
    const render = () => {
      const host = document.createElement('records-lwc-detail-panel');
      const inner = attach(host, 'closed', '<lightning-card id="card"></lightning-card>');
      return { host, field: attach(byId('card', inner) as Element, 'open', sfField('Account', 'Phone', 'Phone', 'phone')) };
    };
    const first = render();
    byId('host')?.replaceWith(first.host);
    const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone', first.field));
    const second = render();
    first.host.replaceWith(second.host);
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone', second.field));
  });

  it('does not reuse a remembered element that left the active page', () => {
    page(`<div class="windowViewMode-normal active" id="a">${sfField('Account', 'Phone', 'Phone', 'phone-a')}</div>
          <div class="windowViewMode-normal" id="b">${sfField('Account', 'Phone', 'Phone', 'phone-b')}</div>`);
    const phone = target({ kind: 'salesforceField', field: 'Phone' });
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone-a'));
    byId('a')?.classList.remove('active');
    byId('b')?.classList.add('active');
    expect(found(findAnchorNow(phone, options()))).toBe(byId('phone-b'));
  });

  it('remembers the anchor on each cached page: switching back needs no walk of the page', () => {
    page(`<div class="windowViewMode-normal active" id="a"><records-lwc-detail-panel id="host-a"></records-lwc-detail-panel></div>
          <div class="windowViewMode-normal" id="b"><records-lwc-detail-panel id="host-b"></records-lwc-detail-panel></div>`);
    const rootA = attach(byId('host-a') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    const rootB = attach(byId('host-b') as Element, 'closed', sfField('Account', 'Phone', 'Phone', 'phone'));
    const walked = vi.fn(shadowRootOf);
    const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });
    const show = (active: 'a' | 'b') => {
      byId(active === 'a' ? 'b' : 'a')?.classList.remove('active');
      byId(active)?.classList.add('active');
    };
    expect(found(findAnchorNow(phone, options({ shadowRootOf: walked })))).toBe(byId('phone', rootA));
    show('b');
    expect(found(findAnchorNow(phone, options({ shadowRootOf: walked })))).toBe(byId('phone', rootB));
    walked.mockClear();
    for (const active of ['a', 'b', 'a'] as const) {
      show(active);
      expect(found(findAnchorNow(phone, options({ shadowRootOf: walked })))).toBe(byId('phone', active === 'a' ? rootA : rootB));
    }
    expect(walked).not.toHaveBeenCalled();
  });

  it('resolves many targets in one pass', () => {
    page(`${sfField('Account', 'Phone', 'Phone', 'phone')}${sfField('Account', 'Fax', 'Fax', 'fax')}`);
    const results = findAnchorsNow(
      [target({ kind: 'salesforceField', field: 'Fax' }), target({ kind: 'label', text: 'Nope' }), target({ kind: 'salesforceField', field: 'Phone' })],
      options(),
    );
    expect(results.map(found)).toEqual([byId('fax'), 'No element matched; tried: label "Nope" (no match)', byId('phone')]);
  });
});

describe('mayLocateAmong (is locating worth it for this event path?)', () => {
  const pathOf = (el: Element): Element[] => {
    const path: Element[] = [];
    for (let node: Element | null = el; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) path.push(node);
    return path;
  };

  it('is false when no element of the path is a candidate, true when one is', () => {
    page(`<div class="windowViewMode-normal active">${sfField('Account', 'Phone', 'Phone', 'phone')}<button id="other">Other</button></div>`);
    const phone = target({ kind: 'salesforceField', object: 'Account', field: 'Phone' });
    const onPhone = pathOf(byId('phone')?.querySelector('.test-id__field-value') as Element);
    expect(mayLocateAmong(phone, onPhone)).toBe(true);
    expect(mayLocateAmong(phone, pathOf(byId('other') as Element))).toBe(false);
    expect(mayLocateAmong(target({ kind: 'role', role: 'button', name: 'Other' }), pathOf(byId('other') as Element))).toBe(true);
    // A button, but not the one named: no locate needed.
    expect(mayLocateAmong(target({ kind: 'role', role: 'button', name: 'Save' }), pathOf(byId('other') as Element))).toBe(false);
    expect(mayLocateAmong(phone, [])).toBe(false);
  });

  it('rules out by its cheap check only elements that the selector does not match', () => {
    page(`<div class="windowViewMode-normal active">${sfField('Account', 'Phone', 'Phone')}
      <records-record-layout-item><input name="Phone"><textarea name="Phone"></textarea><select name="Phone"></select></records-record-layout-item>
      <lightning-input-field field-name="Phone"></lightning-input-field>
      <a href="/x">Link</a><area href="/y"><button>Save</button><input type="text"><div role="textbox" contenteditable="true"></div>
      <div data-id="quickCreateLauncher_button"></div><div data-id="name-FieldSectionItemContainer"></div><h2>Heading</h2><ul><li>Item</li></ul></div>`);
    const strategies: AnchorStrategy[] = [
      { kind: 'salesforceField', object: 'Account', field: 'Phone' },
      { kind: 'salesforceField', field: 'Phone' },
      { kind: 'salesforceButton', object: 'Lead', action: 'Convert' },
      { kind: 'selectionName', value: 'sfdc:RecordField.Account.Phone' },
      { kind: 'dynamicsField', name: 'name' },
      { kind: 'dataId', value: 'quickCreateLauncher_button' },
      ...(['button', 'link', 'textbox', 'heading', 'listitem', 'combobox', 'tab'] as const).map((role): AnchorStrategy => ({ kind: 'role', role, name: 'x' })),
    ];
    const elements = [...document.querySelectorAll('*')];
    for (const strategy of strategies) {
      for (const probe of compileStrategy(strategy, document).probes ?? []) {
        const ruledOut = elements.filter((el) => probe.mayMatch?.(el) === false);
        expect(ruledOut.filter((el) => el.matches(probe.selector)), `${describeStrategy(strategy)}: ${probe.selector}`).toEqual([]);
      }
    }
  });

  it('is true for a label, whose anchor is another element than the label itself', () => {
    page('<label for="f">Phone</label><input id="f"><button id="other">Other</button>');
    expect(mayLocateAmong(target({ kind: 'label', text: 'Phone' }), pathOf(byId('f') as Element))).toBe(true);
    expect(found(findAnchorNow(target({ kind: 'label', text: 'Phone' }), options({ crm: 'dynamics' })))).toBe(byId('f'));
  });
});

describe('describeLocateResult', () => {
  it('describes the element as plain data', () => {
    page(`<div class="windowViewMode-normal active"><div id="host"></div></div>`);
    const root = attach(byId('host') as Element, 'open', `<div id="phone" class="  ${'x'.repeat(120)}" data-target-selection-name="sfdc:RecordField.Account.Phone" style="color: red"></div>`);
    const report = describeLocateResult(findAnchorNow(target({ kind: 'salesforceField', field: 'Phone' }), options()));
    expect(report).toEqual({
      ok: true,
      strategyIndex: 0,
      strategy: { kind: 'salesforceField', field: 'Phone' },
      element: {
        tagName: 'div',
        attributes: { 'data-target-selection-name': 'sfdc:RecordField.Account.Phone', class: 'x'.repeat(100) },
        inShadowRoot: 'open',
        rect: expect.objectContaining({ x: expect.any(Number), width: expect.any(Number) }) as unknown,
      },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(byId('phone', root)).not.toBeNull();
  });

  it('passes failures through', () => {
    page('');
    const result = findAnchorNow(target({ kind: 'dataId', value: 'x' }), options());
    expect(describeLocateResult(result)).toEqual(result);
  });
});
