// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MySupportRequest } from '@/lib/api/support';
import type { SupportActionOutcome } from '@/lib/support/replies';
import { SupportThreadDialog, type SupportThreadDialogProps } from './SupportThreadDialog';
import { translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

const STAFF_REPLY = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>Try the **Activity** tab.';
const request: MySupportRequest = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  kind: 'question',
  description: 'Where do I log a call?\n<b>Not bold</b>',
  status: 'answered',
  createdAt: '2025-03-24T08:00:00.000Z',
  updatedAt: '2025-03-24T09:00:00.000Z',
  replies: [
    { id: STAFF_REPLY, at: '2025-03-24T09:00:00.000Z', author: { displayName: 'Siri Support', role: 'support' }, body: HOSTILE },
  ],
};

async function violations() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

function open(overrides: Partial<SupportThreadDialogProps> = {}) {
  const opener = document.createElement('button');
  opener.textContent = 'Your help requests';
  document.body.append(opener);
  opener.focus();
  const props: SupportThreadDialogProps = {
    t: translate,
    request,
    newReplyIds: [STAFF_REPLY],
    onReply: vi.fn<(body: string) => Promise<SupportActionOutcome>>().mockResolvedValue({ status: 'done', requestStatus: 'in_progress' }),
    onSolve: vi.fn<() => Promise<SupportActionOutcome>>().mockResolvedValue({ status: 'done', requestStatus: 'closed' }),
    onClose: vi.fn(),
    ...overrides,
  };
  const view = render(<SupportThreadDialog {...props} />);
  return { opener, props, view, dialog: screen.getByRole('dialog', { name: 'Your help request' }) };
}

describe('SupportThreadDialog', () => {
  it('is a labelled modal dialog with the request, its status in words and the replies, axe-clean', async () => {
    const { dialog } = open();
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('heading', { name: 'Your help request' }));
    expect(within(dialog).getByText('Status: Answered')).toBeTruthy();
    const replies = within(dialog).getByRole('list', { name: 'Replies' });
    const [item] = within(replies).getAllByRole('listitem');
    expect(item?.textContent).toContain('Siri Support (Support)');
    expect(item?.querySelector('time')?.getAttribute('dateTime')).toBe('2025-03-24T09:00:00.000Z');
    expect(within(item as HTMLElement).getByText('New')).toBeTruthy();
    expect(await violations()).toEqual([]);
  });

  it('shows what people wrote as text, never as markup', () => {
    const { dialog } = open();
    expect(dialog.querySelector('img, script, b')).toBeNull();
    expect(within(dialog).getByText(HOSTILE)).toBeTruthy();
    expect(dialog.textContent).toContain('<b>Not bold</b>');
  });

  it('says so when nobody has replied yet', () => {
    const { dialog } = open({ request: { ...request, status: 'new', replies: [] }, newReplyIds: [] });
    expect(within(dialog).getByText('Status: Sent, waiting for support')).toBeTruthy();
    expect(within(dialog).getByText('No replies yet. When support answers, you will see it here and on the Ombord icon.')).toBeTruthy();
  });

  it('asks for an answer before sending, then sends it and says the new status', async () => {
    const user = userEvent.setup();
    const { props, dialog } = open();
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    const box = within(dialog).getByRole('textbox', { name: 'Answer back' });
    expect(props.onReply).not.toHaveBeenCalled();
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(box);
    await user.type(box, '  It works now, thanks!  ');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(props.onReply).toHaveBeenCalledWith('It works now, thanks!');
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Sent. Status: Support is working on it.'));
    expect((box as HTMLTextAreaElement).value).toBe('');
    expect(within(dialog).getByText('Status: Support is working on it')).toBeTruthy();
  });

  it.each([
    [{ status: 'unreachable' } as const, "Not sent: Ombord cannot reach your organisation's server right now. Your text is kept here; try again in a moment."],
    [{ status: 'signed_out' } as const, 'Your organisation no longer accepts this browser. Connect Ombord again in its settings, then try again.'],
    [{ status: 'rejected', message: 'body: Too long' } as const, 'The server did not accept this: body: Too long'],
  ])('keeps an answer that did not go through, and says why (%o)', async (outcome, message) => {
    const user = userEvent.setup();
    const { dialog } = open({ onReply: vi.fn().mockResolvedValue(outcome) });
    const box = within(dialog).getByRole('textbox', { name: 'Answer back' }) as HTMLTextAreaElement;
    await user.type(box, 'Still broken');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe(message));
    expect(box.value).toBe('Still broken');
  });

  it('keeps the answer when the background cannot be asked at all', async () => {
    const user = userEvent.setup();
    const { dialog } = open({ onReply: vi.fn().mockRejectedValue(new Error('Extension context invalidated.')) });
    const box = within(dialog).getByRole('textbox', { name: 'Answer back' }) as HTMLTextAreaElement;
    await user.type(box, 'Hello?');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Ombord could not do this. Copy your text and try again.'));
    expect(box.value).toBe('Hello?');
  });

  it('marks the request solved, confirms the new status and leaves focus on Close', async () => {
    const user = userEvent.setup();
    const { props, dialog } = open();
    await user.click(within(dialog).getByRole('button', { name: 'Mark as solved' }));
    expect(props.onSolve).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Marked as solved. Status: Solved and closed.'));
    expect(within(dialog).getByText('Status: Solved and closed')).toBeTruthy();
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Mark as solved' })).toBeNull();
    expect(within(dialog).getByText('This request is closed. If you still need help, send a new help request.')).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));
  });

  it('keeps Tab inside, closes on Esc and gives focus back', async () => {
    const user = userEvent.setup();
    const { opener, props, view, dialog } = open();
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));
    await user.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Answer back' }));
    await user.keyboard('{Escape}');
    expect(props.onClose).toHaveBeenCalled();
    view.unmount();
    expect(document.activeElement).toBe(opener);
  });

  it('gives focus to the fallback when what opened it is gone', () => {
    const launcher = document.createElement('button');
    launcher.textContent = 'Ombord guidance';
    document.body.append(launcher);
    const { opener, view } = open({ fallbackFocus: () => launcher });
    opener.remove();
    view.unmount();
    expect(document.activeElement).toBe(launcher);
  });
});
