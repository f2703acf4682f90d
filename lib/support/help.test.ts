import { describe, expect, it, vi } from 'vitest';
import type { SupportContext } from '../api/support';
import { HelpRequests } from './help';
import type { HelpCapture } from './screenshot';

const attachment = { guide: null } as unknown as SupportContext;
const refused: HelpCapture = { status: 'refused', reason: 'permission', message: "Either the '<all_urls>' or 'activeTab' permission is required." };

describe('HelpRequests', () => {
  it('takes the context when opening and sends with it', async () => {
    const snapshot = vi.fn(() => attachment);
    const send = vi.fn().mockResolvedValue({ status: 'sent' });
    const help = new HelpRequests({ snapshot, capture: async () => refused, send, newId: () => 'id-1' });
    const listener = vi.fn();
    help.subscribe(listener);
    await Promise.all([help.open(), help.open()]);
    await help.open();
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(help.getOpen()).toBe(attachment);
    expect(await help.send({ kind: 'idea', description: 'More tips' })).toEqual({ status: 'sent' });
    expect(send).toHaveBeenCalledWith({ id: 'id-1', kind: 'idea', description: 'More tips', context: attachment });
    help.close();
    expect(help.getOpen()).toBeNull();
    expect(listener).toHaveBeenCalledTimes(2);
    await expect(help.send({ kind: 'idea', description: 'x' })).rejects.toThrow();
  });

  it('shows the dialog only after the screenshot is taken, and forgets it on close', async () => {
    let finish: (capture: HelpCapture) => void = () => undefined;
    const capture = vi.fn(() => new Promise<HelpCapture>((resolve) => (finish = resolve)));
    const help = new HelpRequests({ snapshot: () => attachment, capture, send: vi.fn(), newId: () => 'id-1' });
    const opened = help.open();
    // While the page is being captured the dialog must not be on it.
    expect(help.getOpen()).toBeNull();
    void help.open();
    expect(capture).toHaveBeenCalledTimes(1);
    finish(refused);
    await opened;
    expect(help.getOpen()).toBe(attachment);
    expect(help.getCapture()).toBe(refused);
    help.close();
    expect(help.getCapture()).toBeNull();
  });

  it('opens without a screenshot when capturing fails, and not at all off a CRM page', async () => {
    const help = new HelpRequests({ snapshot: () => attachment, capture: () => Promise.reject(new Error('worker gone')), send: vi.fn(), newId: () => 'id-1' });
    await help.open();
    expect(help.getCapture()).toEqual({ status: 'refused', reason: 'unavailable', message: 'worker gone' });
    const capture = vi.fn();
    const nowhere = new HelpRequests({ snapshot: () => null, capture, send: vi.fn(), newId: () => 'id-1' });
    await nowhere.open();
    expect(nowhere.getOpen()).toBeNull();
    expect(capture).not.toHaveBeenCalled();
  });

  it('sends the screenshot the dialog chose', async () => {
    const send = vi.fn().mockResolvedValue({ status: 'sent' });
    const help = new HelpRequests({ snapshot: () => attachment, capture: async () => refused, send, newId: () => 'id-2' });
    await help.open();
    const screenshot = { mediaType: 'image/png' as const, dataBase64: 'iVBORw0KGgo=' };
    await help.send({ kind: 'problem', description: 'Broken', screenshot });
    expect(send).toHaveBeenCalledWith({ id: 'id-2', kind: 'problem', description: 'Broken', screenshot, context: attachment });
  });
});
