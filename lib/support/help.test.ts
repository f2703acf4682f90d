import { describe, expect, it, vi } from 'vitest';
import type { SupportContext } from '../api/support';
import { HelpRequests } from './help';

const attachment = { guide: null } as unknown as SupportContext;

describe('HelpRequests', () => {
  it('takes the context when opening and sends with it', async () => {
    const snapshot = vi.fn(() => attachment);
    const send = vi.fn().mockResolvedValue({ status: 'sent' });
    const help = new HelpRequests({ snapshot, send, newId: () => 'id-1' });
    const listener = vi.fn();
    help.subscribe(listener);
    help.open();
    help.open();
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(help.getOpen()).toBe(attachment);
    expect(await help.send({ kind: 'idea', description: 'More tips' })).toEqual({ status: 'sent' });
    expect(send).toHaveBeenCalledWith({ id: 'id-1', kind: 'idea', description: 'More tips', context: attachment });
    help.close();
    expect(help.getOpen()).toBeNull();
    expect(listener).toHaveBeenCalledTimes(2);
    await expect(help.send({ kind: 'idea', description: 'x' })).rejects.toThrow();
  });
});
