import { describe, expect, it, vi } from 'vitest';
import { MyRequests, type MyRequestsPorts } from './my-requests';
import { EMPTY_SUPPORT_VIEW, type MySupportView } from './replies';

const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const viewWith = (unread: number): MySupportView => ({ ...EMPTY_SUPPORT_VIEW, unread });

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function ports(overrides: Partial<MyRequestsPorts> = {}): MyRequestsPorts {
  return {
    load: vi.fn().mockResolvedValue(viewWith(1)),
    seen: vi.fn().mockResolvedValue(viewWith(0)),
    later: vi.fn().mockResolvedValue(viewWith(1)),
    reply: vi.fn().mockResolvedValue({ status: 'done', requestStatus: 'in_progress' }),
    solve: vi.fn().mockResolvedValue({ status: 'done', requestStatus: 'closed' }),
    onError: vi.fn(),
    ...overrides,
  };
}

describe('MyRequests', () => {
  it('starts empty, loads the view and tells its listeners', async () => {
    const requests = new MyRequests(ports());
    const listener = vi.fn();
    requests.subscribe(listener);
    expect(requests.getView()).toEqual(EMPTY_SUPPORT_VIEW);
    await requests.reload();
    expect(requests.getView().unread).toBe(1);
    await requests.markSeen(ID);
    expect(requests.getView().unread).toBe(0);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('shows the answer to the newest question, whatever order the answers come in', async () => {
    const slowLoad = deferred<MySupportView>();
    const requests = new MyRequests(ports({ load: () => slowLoad.promise }));
    const loading = requests.reload();
    await requests.markSeen(ID);
    slowLoad.resolve(viewWith(5));
    await loading;
    expect(requests.getView().unread).toBe(0);
  });

  it('keeps the last view when the background cannot answer', async () => {
    const failing = new Error('Extension context invalidated.');
    const load = vi.fn().mockResolvedValueOnce(viewWith(1)).mockRejectedValueOnce(failing);
    const onError = vi.fn();
    const requests = new MyRequests(ports({ load, onError }));
    await requests.reload();
    await requests.reload();
    expect(requests.getView().unread).toBe(1);
    expect(onError).toHaveBeenCalledWith(failing);
  });

  it('passes answers and "Mark as solved" to the background', async () => {
    const given = ports();
    const requests = new MyRequests(given);
    expect(await requests.reply(ID, 'Thanks')).toEqual({ status: 'done', requestStatus: 'in_progress' });
    expect(await requests.solve(ID)).toEqual({ status: 'done', requestStatus: 'closed' });
    expect(given.reply).toHaveBeenCalledWith(ID, 'Thanks');
    expect(given.solve).toHaveBeenCalledWith(ID);
  });
});
