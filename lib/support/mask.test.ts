// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectFieldMasks, MASK_PADDING_PX, withoutContained, type MaskRect } from './mask';

/**
 * happy-dom lays nothing out: every element gets the box its `data-box="x y width height"` says
 * (none: 0×0, as for an element that is not rendered), and a Range over a node's contents the box
 * `contentBoxes` gives that node (none: 0×0). The viewport is happy-dom's 1024×768.
 */
const contentBoxes = new Map<Node, DOMRect>();
beforeEach(() => {
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const [x = 0, y = 0, width = 0, height = 0] = (this.getAttribute('data-box') ?? '').split(' ').map(Number);
    return DOMRect.fromRect({ x, y, width, height });
  });
  vi.spyOn(Range.prototype, 'getBoundingClientRect').mockImplementation(function (this: Range) {
    return contentBoxes.get(this.startContainer) ?? DOMRect.fromRect({ x: 0, y: 0, width: 0, height: 0 });
  });
});
afterEach(() => {
  contentBoxes.clear();
});
afterEach(() => {
  document.body.innerHTML = '';
});

/** Closed roots as `chrome.dom.openOrClosedShadowRoot` sees them. */
const closedRoots = new WeakMap<Element, ShadowRoot>();
const shadowRootOf = (element: Element): ShadowRoot | null => element.shadowRoot ?? closedRoots.get(element) ?? null;

function attach(host: Element, mode: 'open' | 'closed', html: string): ShadowRoot {
  const root = host.attachShadow({ mode });
  if (mode === 'closed') closedRoots.set(host, root);
  root.innerHTML = html;
  return root;
}

const P = MASK_PADDING_PX;
/** The rectangle a box of that size is covered with. */
const covered = (x: number, y: number, width: number, height: number): MaskRect => ({ x: x - P, y: y - P, width: width + 2 * P, height: height + 2 * P });
const masks = () => collectFieldMasks({ window, shadowRootOf }).rects;

/** A Lightning record layout item (crm-dom-notes.md §1.1): label at (10, y), value area at (200, y). */
function layoutItem(label: string, value: string, y: number): string {
  return `<records-record-layout-item field-label="${label}" data-box="10 ${y} 500 24">
  <div data-target-selection-name="sfdc:RecordField.Account.${label}">
    <div class="slds-form-element test-id__output-root">
      <div class="test-id__field-label-container slds-form-element__label" data-box="10 ${y} 180 24"><span class="test-id__field-label" data-box="10 ${y} 60 20">${label}</span></div>
      <div class="slds-form-element__control" data-box="200 ${y} 300 24">
        <span class="test-id__field-value" data-output-element-id="output-field" data-box="200 ${y} 120 20"><lightning-formatted-text data-box="200 ${y} 120 20">${value}</lightning-formatted-text></span>
      </div>
    </div>
  </div>
</records-record-layout-item>`;
}

describe('collectFieldMasks', () => {
  it('covers what a user types or picks, and leaves buttons, checkboxes, radios and hidden inputs', () => {
    document.body.innerHTML = `
      <input type="text" value="Kari" data-box="10 10 100 20">
      <input value="no type" data-box="10 40 100 20">
      <input type="EMAIL" value="kari@example.com" data-box="10 70 100 20">
      <input type="password" data-box="10 100 100 20">
      <textarea data-box="10 130 100 40">Notes</textarea>
      <select data-box="10 180 100 20"><option>Hot</option></select>
      <div contenteditable="true" data-box="10 210 100 40">Rich text</div>
      <div role="combobox" data-box="10 260 100 20">Prospecting</div>
      <div contenteditable="false" data-box="300 10 100 20">Read only</div>
      <input type="button" value="Save" data-box="300 40 100 20">
      <input type="submit" value="Save" data-box="300 70 100 20">
      <input type="checkbox" checked data-box="300 100 20 20">
      <input type="radio" data-box="300 130 20 20">
      <input type="hidden" value="secret" data-box="300 160 100 20">
      <button data-box="300 190 100 20">Edit</button>`;
    expect(masks()).toEqual([
      covered(10, 10, 100, 20),
      covered(10, 40, 100, 20),
      covered(10, 70, 100, 20),
      covered(10, 100, 100, 20),
      covered(10, 130, 100, 40),
      covered(10, 180, 100, 20),
      covered(10, 210, 100, 40),
      covered(10, 260, 100, 20),
    ]);
  });

  it("covers a Lightning field's value area and not its label", () => {
    document.body.innerHTML = `<records-record-layout-block>${layoutItem('Phone', '+47 22 00 00 00', 100)}</records-record-layout-block>`;
    // The value span and the formatted output lie inside the control's box: one rectangle.
    expect(masks()).toEqual([covered(200, 100, 300, 24)]);
  });

  it('covers the highlights panel, record names and links, and grid cells', () => {
    document.body.innerHTML = `
      <records-highlights-details-item data-box="10 10 200 40">
        <p class="slds-text-title" data-box="10 10 200 16">Amount</p>
        <p class="fieldComponent" data-box="10 30 200 20">USD 48,000</p>
      </records-highlights-details-item>
      <h1 data-box="10 60 300 30"><lightning-formatted-text data-box="10 60 250 30">Acme - 200 Widgets</lightning-formatted-text></h1>
      <a data-recordid="0015g00000Ac1QwAAJ" href="#" data-box="10 100 120 20">Acme</a>
      <div role="grid"><div role="row"><div role="rowheader" data-box="10 130 100 20">Acme</div><div role="gridcell" data-box="110 130 100 20">Oslo</div></div></div>`;
    expect(masks()).toEqual([covered(10, 30, 200, 20), covered(10, 60, 250, 30), covered(10, 100, 120, 20), covered(10, 130, 100, 20), covered(110, 130, 100, 20)]);
  });

  it("covers a Dynamics field's control and not its label, lookups and the record's name included", () => {
    document.body.innerHTML = `
      <h1 data-id="header_title" data-box="10 10 300 30">Contoso Ltd</h1>
      <div data-id="telephone1-FieldSectionItemContainer" data-box="10 50 600 32">
        <div data-id="telephone1" data-lp-id="MscrmControls.FieldControls|telephone1.fieldControl|account" data-box="10 50 600 32">
          <label id="id-1-telephone1-field-label" data-box="10 50 150 20">Main Phone</label>
          <input data-id="telephone1.fieldControl-phone-text-input" type="text" value="555-0100" data-box="200 50 300 32">
        </div>
      </div>
      <div data-id="parentaccountid-FieldSectionItemContainer" data-box="10 90 600 32">
        <label data-box="10 90 150 20">Parent Account</label>
        <div data-id="parentaccountid.fieldControl-Lookup_parentaccountid" data-box="200 90 300 32">
          <div data-id="parentaccountid.fieldControl-LookupResultsDropdown_parentaccountid_selected_tag" role="link" data-box="200 90 120 24">Fabrikam</div>
        </div>
      </div>`;
    expect(masks()).toEqual([covered(10, 10, 300, 30), covered(200, 50, 300, 32), covered(200, 90, 300, 32)]);
  });

  it('finds values in open and closed shadow roots, two levels deep', () => {
    document.body.innerHTML = '<records-record-layout-section id="open"></records-record-layout-section><records-record-layout-section id="closed"></records-record-layout-section>';
    for (const [mode, y] of [['open', 100], ['closed', 200]] as const) {
      const section = attach(document.getElementById(mode) as Element, mode, '<div class="slds-form"><records-record-layout-row></records-record-layout-row></div>');
      attach(section.querySelector('records-record-layout-row') as Element, mode, layoutItem('Industry', 'Banking', y));
    }
    expect(masks()).toEqual([covered(200, 100, 300, 24), covered(200, 200, 300, 24)]);
  });

  it("covers a field whole when none of its value parts is recognised, but not when the value is in the field's own shadow root", () => {
    document.body.innerHTML = `
      <records-record-layout-item field-label="Score" data-box="10 10 500 24"><span data-box="10 10 60 20">Score</span><x-custom-gauge data-box="200 10 100 20">87</x-custom-gauge></records-record-layout-item>
      <records-record-layout-item id="native" field-label="Phone" data-box="10 50 500 24"></records-record-layout-item>`;
    attach(
      document.getElementById('native') as Element,
      'closed',
      '<span data-box="10 50 60 20">Phone</span><div class="slds-form-element__control" data-box="200 50 300 24"><lightning-formatted-phone data-box="200 50 100 20">555-0100</lightning-formatted-phone></div>',
    );
    expect(masks()).toEqual([covered(200, 50, 300, 24), covered(10, 10, 500, 24)]);
  });

  it('clips to the viewport and skips what is off screen', () => {
    document.body.innerHTML = `
      <input value="half off the right edge" data-box="1000 10 100 20">
      <input value="above the top" data-box="10 -40 100 20">
      <input value="below the bottom" data-box="10 800 100 20">`;
    expect(masks()).toEqual([{ x: 998, y: 8, width: 1024 - 998, height: 24 }]);
  });

  it('skips what is not shown: display none, visibility hidden (the overlay while capturing), no box', () => {
    document.body.innerHTML = `
      <div style="display: none"><input value="cached page" data-box="10 10 100 20"></div>
      <div style="visibility: hidden"><input value="hidden" data-box="10 40 100 20"></div>
      <input value="not laid out">
      <input value="shown" data-box="10 100 100 20">`;
    expect(masks()).toEqual([covered(10, 100, 100, 20)]);
  });

  it('measures a value with no box of its own (display: contents) by its content, its shadow root\'s included', () => {
    document.body.innerHTML = `
      <records-record-layout-item field-label="Name" data-box="10 10 500 24"><span data-box="10 10 60 20">Name</span><span class="test-id__field-value" id="text" style="display: contents">Kari Nordmann</span></records-record-layout-item>
      <records-record-layout-item field-label="Phone" data-box="10 50 500 24"><span data-box="10 50 60 20">Phone</span><lightning-formatted-phone id="host" style="display: contents"></lightning-formatted-phone></records-record-layout-item>`;
    const text = document.getElementById('text') as Element;
    contentBoxes.set(text, DOMRect.fromRect({ x: 200, y: 10, width: 110, height: 20 }));
    const root = attach(document.getElementById('host') as Element, 'closed', '<a href="tel:5550100">555-0100</a>');
    contentBoxes.set(root, DOMRect.fromRect({ x: 200, y: 50, width: 80, height: 20 }));
    expect(masks()).toEqual([covered(200, 10, 110, 20), covered(200, 50, 80, 20)]);
  });

  it('covers the nearest ancestor with a box when a display: contents value measures nothing, but not inside display: none', () => {
    document.body.innerHTML = `
      <div class="slds-form-element" data-box="10 10 500 24"><span style="display: contents"><lightning-formatted-text style="display: contents"></lightning-formatted-text></span></div>
      <div style="display: none" data-box="10 50 500 24"><lightning-formatted-text style="display: contents">cached</lightning-formatted-text></div>`;
    expect(masks()).toEqual([covered(10, 10, 500, 24)]);
  });

  it("does not look into a host the caller excludes (Ombord's own overlay)", () => {
    document.body.innerHTML = '<ombord-overlay></ombord-overlay>';
    const host = document.querySelector('ombord-overlay') as Element;
    attach(host, 'open', '<textarea data-box="10 10 300 100">The user\'s own help text</textarea>');
    expect(collectFieldMasks({ window, shadowRootOf: (element) => (element === host ? null : shadowRootOf(element)) }).rects).toEqual([]);
  });

  it('covers a frame it cannot read whole, and reads a same-origin frame at its offset, clipped to it', () => {
    // An empty `srcdoc`: happy-dom loads no pages into frames; the documents are given below.
    document.body.innerHTML = `
      <iframe id="foreign" srcdoc="" data-box="600 10 300 200"></iframe>
      <iframe id="own" srcdoc="" data-box="10 300 400 100"></iframe>`;
    Object.defineProperty(document.getElementById('foreign'), 'contentDocument', { value: null });
    const inner = document.implementation.createHTMLDocument('frame');
    inner.body.innerHTML = '<input value="in the frame" data-box="5 5 100 20"><input value="past its edge" data-box="350 80 100 20">';
    const own = document.getElementById('own') as HTMLIFrameElement;
    Object.defineProperty(own, 'contentDocument', { value: inner });
    for (const [property, value] of [['clientWidth', 400], ['clientHeight', 100], ['clientLeft', 0], ['clientTop', 0]] as const) {
      Object.defineProperty(own, property, { value });
    }
    expect(masks()).toEqual([covered(600, 10, 300, 200), covered(15, 305, 100, 20), { x: 358, y: 378, width: 410 - 358, height: 400 - 378 }]);
  });

  it('asks for shadow roots only of elements that can host one', () => {
    document.body.innerHTML = '<div><input value="x" data-box="10 10 100 20"><svg><circle></circle></svg><x-field></x-field></div>';
    const asked = vi.fn(shadowRootOf);
    collectFieldMasks({ window, shadowRootOf: asked });
    expect(asked.mock.calls.map(([element]) => element.localName)).toEqual(['body', 'div', 'x-field']);
  });

  it('reports the viewport the rectangles are relative to', () => {
    expect(collectFieldMasks({ window, shadowRootOf }).viewport).toEqual({ width: window.innerWidth, height: window.innerHeight });
  });
});

describe('withoutContained', () => {
  it('drops rectangles inside others and keeps one of equal ones', () => {
    const outer = { x: 0, y: 0, width: 100, height: 100 };
    const inner = { x: 10, y: 10, width: 20, height: 20 };
    const apart = { x: 200, y: 0, width: 10, height: 10 };
    expect(withoutContained([inner, outer, apart, { ...outer }])).toEqual([outer, apart]);
  });
});
