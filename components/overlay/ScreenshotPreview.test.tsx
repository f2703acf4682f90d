// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SupportContext } from '@/lib/api/support';
import type { MaskRect } from '@/lib/support/mask';
import type { ComposedScreenshot, HelpCapture } from '@/lib/support/screenshot';
import { HelpDialog } from './HelpDialog';
import { translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

const at = '2025-03-01T10:00:00.000Z';
const attachment: SupportContext = {
  crm: {
    crm: 'dynamics',
    environment: 'production',
    pageType: 'record_view',
    object: 'account',
    recordId: '7a2c9e0b-5d1f-ef11-9f89-000d3a5c2b10',
    surface: 'uci',
    host: 'contoso.crm4.dynamics.com',
    orgName: 'contoso',
    sandboxName: null,
    app: null,
    listView: null,
    url: 'https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord',
  },
  guide: null,
  breadcrumbs: [],
  errors: [],
  environment: { extensionVersion: '0.1.0', browser: 'Chrome 126', os: 'Windows', locale: 'en', viewport: { width: 1000, height: 500 }, at },
};

const viewport = { width: 1000, height: 500 };
const fieldMasks: MaskRect[] = [{ x: 100, y: 100, width: 200, height: 24 }];

/** A composition whose base64 names the masks it was made with, so a test sees which one was sent. */
function composedWith(masks: readonly MaskRect[]): ComposedScreenshot {
  return { mediaType: 'image/png', dataBase64: `masks:${JSON.stringify(masks)}`, bytes: new Uint8Array(), width: 1000, height: 500, preview: null };
}

function captured(compose = vi.fn(async (masks: readonly MaskRect[]) => composedWith(masks))) {
  const capture: HelpCapture = { status: 'captured', viewport, fieldMasks, compose, release: () => undefined };
  return { capture, compose };
}

function open(capture: HelpCapture | null) {
  const onSend = vi.fn().mockResolvedValue({ status: 'sent' });
  const onClose = vi.fn();
  render(<HelpDialog t={translate} attachment={attachment} capture={capture} onSend={onSend} onClose={onClose} />);
  return { onSend, onClose };
}

const surface = () => screen.getByRole('application', { name: 'Screenshot preview' });
const lastMasks = (compose: ReturnType<typeof captured>['compose']) => compose.mock.calls.at(-1)?.[0];

/** The preview is 500×250 on screen: half the 1000×500 page it shows. */
function layOutPreview() {
  vi.spyOn(surface(), 'getBoundingClientRect').mockReturnValue(DOMRect.fromRect({ x: 0, y: 0, width: 500, height: 250 }));
}

async function violations() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

async function describeAndSend(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByRole('textbox', { name: 'Describe it' }), 'The Save button does nothing');
  await user.click(screen.getByRole('button', { name: 'Send' }));
}

describe('the help screenshot', () => {
  it('is included with field values hidden, and what is sent is the composed image', async () => {
    const user = userEvent.setup();
    const { capture, compose } = captured();
    const { onSend } = open(capture);
    expect((screen.getByRole('checkbox', { name: 'Include a screenshot' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('Field values are hidden.')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Show field values' }) as HTMLInputElement).checked).toBe(false);
    expect(lastMasks(compose)).toEqual(fieldMasks);
    await user.click(screen.getByText('What we send with it'));
    expect(screen.getByText('Yes, with field values hidden')).toBeTruthy();
    expect(await violations()).toEqual([]);
    await describeAndSend(user);
    expect(onSend).toHaveBeenCalledWith({
      kind: 'question',
      description: 'The Save button does nothing',
      screenshot: { mediaType: 'image/png', dataBase64: `masks:${JSON.stringify(fieldMasks)}` },
    });
  });

  it('is left out when the user unticks it', async () => {
    const user = userEvent.setup();
    const { onSend } = open(captured().capture);
    await user.click(screen.getByRole('checkbox', { name: 'Include a screenshot' }));
    expect(screen.queryByRole('application')).toBeNull();
    await describeAndSend(user);
    expect(onSend).toHaveBeenCalledWith({ kind: 'question', description: 'The Save button does nothing' });
  });

  it('shows field values only when the user turns them on, with a warning', async () => {
    const user = userEvent.setup();
    const { capture, compose } = captured();
    const { onSend } = open(capture);
    await user.click(screen.getByRole('checkbox', { name: 'Show field values' }));
    const warning = screen.getByRole('alert');
    expect(warning.textContent).toBe(
      'Field values are now visible in the screenshot, and your CRM team will see them. Only send them if they are needed, and hide anything private.',
    );
    expect(screen.getByRole('checkbox', { name: 'Show field values' }).getAttribute('aria-describedby')).toBe(warning.id);
    expect(screen.queryByText('Field values are hidden.')).toBeNull();
    expect(lastMasks(compose)).toEqual([]);
    expect(await violations()).toEqual([]);
    await describeAndSend(user);
    expect(onSend.mock.calls[0]?.[0].screenshot.dataBase64).toBe('masks:[]');
  });

  it('hides an area the user drags across, lists it, and removes it again', async () => {
    const user = userEvent.setup();
    const { capture, compose } = captured();
    const { onSend } = open(capture);
    layOutPreview();
    fireEvent.pointerDown(surface(), { clientX: 50, clientY: 50, button: 0, pointerId: 1 });
    fireEvent.pointerMove(surface(), { clientX: 120, clientY: 80, pointerId: 1 });
    fireEvent.pointerUp(surface(), { clientX: 150, clientY: 100, pointerId: 1 });
    // Screen pixels on a half-size preview are twice as many page pixels.
    const area = { x: 100, y: 100, width: 200, height: 100 };
    await waitFor(() => expect(lastMasks(compose)).toEqual([...fieldMasks, area]));
    expect(screen.getByText('Hidden area 1 added.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Areas you hid' })).toBeTruthy();
    expect(await violations()).toEqual([]);

    await describeAndSend(user);
    expect(onSend.mock.calls[0]?.[0].screenshot.dataBase64).toBe(`masks:${JSON.stringify([...fieldMasks, area])}`);
  });

  it('removes a hidden area from the keyboard and puts focus back on the picture', async () => {
    const user = userEvent.setup();
    const { capture, compose } = captured();
    open(capture);
    layOutPreview();
    fireEvent.pointerDown(surface(), { clientX: 50, clientY: 50, button: 0, pointerId: 1 });
    fireEvent.pointerUp(surface(), { clientX: 150, clientY: 100, pointerId: 1 });
    const remove = await screen.findByRole('button', { name: 'Remove Hidden area 1' });
    remove.focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('button', { name: 'Remove Hidden area 1' })).toBeNull();
    expect(lastMasks(compose)).toEqual(fieldMasks);
    expect(document.activeElement).toBe(surface());
    expect(screen.getByText('Hidden area 1 removed.')).toBeTruthy();
  });

  it('draws with two clicks, for those who cannot drag', async () => {
    const { capture, compose } = captured();
    open(capture);
    layOutPreview();
    fireEvent.pointerDown(surface(), { clientX: 10, clientY: 10, button: 0, pointerId: 1 });
    fireEvent.pointerUp(surface(), { clientX: 10, clientY: 10, pointerId: 1 });
    expect(screen.getByText('First corner set. Move to the opposite corner and press Enter.')).toBeTruthy();
    fireEvent.pointerDown(surface(), { clientX: 60, clientY: 35, button: 0, pointerId: 1 });
    fireEvent.pointerUp(surface(), { clientX: 61, clientY: 35, pointerId: 1 });
    await waitFor(() => expect(lastMasks(compose)).toEqual([...fieldMasks, { x: 20, y: 20, width: 102, height: 50 }]));
  });

  it('draws with the keyboard alone, and Esc drops a started area before it closes the dialog', async () => {
    const user = userEvent.setup();
    const { capture, compose } = captured();
    const { onClose } = open(capture);
    // The picture is a Tab stop right after "Include a screenshot".
    screen.getByRole('checkbox', { name: 'Include a screenshot' }).focus();
    await user.tab();
    expect(document.activeElement).toBe(surface());
    expect(surface().getAttribute('aria-describedby')).toBeTruthy();
    // The cursor starts in the middle of the page (500, 250).
    await user.keyboard('{Enter}{ArrowRight}{ArrowRight}{Shift>}{ArrowDown}{/Shift}{Enter}');
    await waitFor(() => expect(lastMasks(compose)).toEqual([...fieldMasks, { x: 500, y: 250, width: 20, height: 50 }]));
    await user.keyboard('{Enter}{ArrowLeft}{Escape}');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByText('Area cancelled.')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('sends the composition of the latest choices, waiting for it', async () => {
    const user = userEvent.setup();
    let finish: () => void = () => undefined;
    const compose = vi.fn(async (masks: readonly MaskRect[]) => {
      // The first composition is ready at once, the one after drawing waits.
      if (compose.mock.calls.length > 1) await new Promise<void>((resolve) => (finish = resolve));
      return composedWith(masks);
    });
    const { onSend } = open(captured(compose).capture);
    await user.type(screen.getByRole('textbox', { name: 'Describe it' }), 'Slow');
    layOutPreview();
    fireEvent.pointerDown(surface(), { clientX: 0, clientY: 0, button: 0, pointerId: 1 });
    fireEvent.pointerUp(surface(), { clientX: 100, clientY: 100, pointerId: 1 });
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).not.toHaveBeenCalled();
    await act(async () => finish());
    await waitFor(() => expect(onSend).toHaveBeenCalledTimes(1));
    expect(onSend.mock.calls[0]?.[0].screenshot.dataBase64).toBe(`masks:${JSON.stringify([...fieldMasks, { x: 0, y: 0, width: 200, height: 200 }])}`);
  });

  it('says how to include one when the browser refused, and sends without', async () => {
    const user = userEvent.setup();
    const { onSend } = open({ status: 'refused', reason: 'permission', message: "Either the '<all_urls>' or 'activeTab' permission is required." });
    expect(
      screen.getByText('To include a screenshot, open help with Alt+Shift+H or the Ombord button in the browser toolbar. You can send without one.'),
    ).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: 'Include a screenshot' })).toBeNull();
    expect(await violations()).toEqual([]);
    await describeAndSend(user);
    expect(onSend).toHaveBeenCalledWith({ kind: 'question', description: 'The Save button does nothing' });
  });

  it('says so when the image could not be prepared, and sends without', async () => {
    const user = userEvent.setup();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { onSend } = open(captured(vi.fn(() => Promise.reject(new Error('no 2D canvas')))).capture);
    expect(await screen.findByText('The screenshot could not be prepared. You can send without it.')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Include a screenshot' }) as HTMLInputElement).checked).toBe(false);
    await describeAndSend(user);
    expect(onSend).toHaveBeenCalledWith({ kind: 'question', description: 'The Save button does nothing' });
  });

  it('offers no screenshot where none was attempted, and "What we send" says there is none', () => {
    open(null);
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('application')).toBeNull();
    expect(screen.getByText('Screenshot').nextElementSibling?.textContent).toBe('None');
  });
});
