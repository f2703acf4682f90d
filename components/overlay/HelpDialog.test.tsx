// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
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
  },
  guide: { packId: 'starter', itemId: 'log-a-call', stepId: 'open', stepIndex: 1 },
  breadcrumbs: [{ at, kind: 'click', label: 'Log a Call' }],
  errors: [{ at, kind: 'error', message: 'TypeError: x is undefined' }],
  environment: { extensionVersion: '0.1.0', browser: 'Chrome 126', os: 'Windows', locale: 'en', viewport: { width: 1280, height: 800 }, at },
};

async function violations() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

function open(onSend = vi.fn().mockResolvedValue({ status: 'sent' })) {
  const opener = document.createElement('button');
  opener.textContent = 'Get help';
  document.body.append(opener);
  opener.focus();
  const onClose = vi.fn();
  const view = render(<HelpDialog t={translate} attachment={attachment} capture={null} onSend={onSend} onClose={onClose} />);
  return { opener, onClose, onSend, view };
}

describe('HelpDialog', () => {
  it('is a labelled modal dialog, focused, and axe-clean with the context shown', async () => {
    const user = userEvent.setup();
    open();
    const dialog = screen.getByRole('dialog', { name: 'Ask for help' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Ask for help' }));
    await user.click(screen.getByText('What we send with it'));
    for (const text of ['Record', 'Account', '001000000000001AAA', 'log-a-call, step 2', 'Log a Call', 'TypeError: x is undefined', 'Chrome 126, Windows']) {
      expect(screen.getByText(text)).toBeTruthy();
    }
    expect(await violations()).toEqual([]);
  });

  it('sends the kind and description, then says it was sent', async () => {
    const user = userEvent.setup();
    const { onSend } = open();
    await user.click(screen.getByRole('radio', { name: 'A problem' }));
    await user.type(screen.getByRole('textbox', { name: 'Describe it' }), 'Save does nothing');
    expect(screen.getByText('17 of 5000 characters')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith({ kind: 'problem', description: 'Save does nothing' });
    expect((await screen.findByRole('status')).textContent).toBe('Sent. Your CRM team will get back to you.');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
  });

  it.each([
    ['queued', 'Saved — it will be sent when you are back online.'],
    ['not_enrolled', 'Saved. Connect Ombord to your organisation in its settings to send help requests.'],
  ] as const)('says what happens to a request that is %s', async (status, message) => {
    const user = userEvent.setup();
    open(vi.fn().mockResolvedValue({ status }));
    await user.type(screen.getByRole('textbox', { name: 'Describe it' }), 'Where is the report?');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(message));
  });

  it('requires a description', async () => {
    const user = userEvent.setup();
    const { onSend } = open();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const textbox = screen.getByRole('textbox', { name: 'Describe it' });
    expect(onSend).not.toHaveBeenCalled();
    expect(textbox.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(textbox);
    expect(textbox.getAttribute('aria-describedby')).toContain(screen.getByText('Please describe what you need help with.').id);
  });

  it('keeps Tab inside, closes on Esc and gives focus back', async () => {
    const user = userEvent.setup();
    const { opener, onClose, view } = open();
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Send' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'A question' }));
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
    view.unmount();
    expect(document.activeElement).toBe(opener);
  });

  it('frees each preview once a newer one replaces it, and the capture with the last one when it closes', async () => {
    const user = userEvent.setup();
    const previews: Array<{ close: ReturnType<typeof vi.fn> }> = [];
    const compose = vi.fn(async (masks: readonly MaskRect[]): Promise<ComposedScreenshot> => {
      const preview = { close: vi.fn() };
      previews.push(preview);
      return { mediaType: 'image/png', dataBase64: JSON.stringify(masks), bytes: new Uint8Array(), width: 1000, height: 500, preview: preview as unknown as ImageBitmap };
    });
    const release = vi.fn();
    const capture: HelpCapture = { status: 'captured', viewport: { width: 1000, height: 500 }, fieldMasks: [{ x: 1, y: 1, width: 10, height: 10 }], compose, release };
    const view = render(<HelpDialog t={translate} attachment={attachment} capture={capture} onSend={vi.fn()} onClose={vi.fn()} />);
    await waitFor(() => expect(previews).toHaveLength(1));
    await user.click(screen.getByRole('checkbox', { name: 'Show field values' }));
    await waitFor(() => expect(previews[0]?.close).toHaveBeenCalled());
    expect(previews[1]?.close).not.toHaveBeenCalled();
    expect(release).not.toHaveBeenCalled();
    view.unmount();
    expect(previews[1]?.close).toHaveBeenCalled();
    expect(release).toHaveBeenCalledOnce();
  });
});
