import { describe, expect, it, vi } from 'vitest';
import { MyRequests, type MyRequestsPorts } from './my-requests';
import { EMPTY_SUPPORT_VIEW, type MySupportView } from './replies-view';

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
    seen: vi.fn().mockResolvedValue(undefined),
    later: vi.fn().mockResolvedValue(undefined),
    reply: vi.fn().mockResolvedValue({ status: 'done', requestStatus: 'in_progress' }),
    solve: vi.fn().mockResolvedValue({ status: 'done', requestStatus: 'closed' }),
    onError: vi.fn(),
    ...overrides,
  };
}

describe('MyRequests', () => {
  it('starts empty, loads the view and tells its listeners', async () => {
    const load = vi.fn().mockResolvedValueOnce(viewWith(1)).mockResolvedValueOnce(viewWith(0));
    const requests = new MyRequests(ports({ load }));
    const listener = vi.fn();
    requests.subscribe(listener);
    expect(requests.getView()).toEqual(EMPTY_SUPPORT_VIEW);
    await requests.reload();
    expect(requests.getView().unread).toBe(1);
    // The revision the background moves reloads the view.
    await requests.reload();
    expect(requests.getView().unread).toBe(0);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('tells the background what the user read or put off, and shows it only with the reload that follows', async () => {
    const given = ports();
    const requests = new MyRequests(given);
    await requests.reload();
    const listener = vi.fn();
    requests.subscribe(listener);
    await requests.markSeen(ID);
    await requests.later();
    expect(given.seen).toHaveBeenCalledWith(ID);
    expect(given.later).toHaveBeenCalledTimes(1);
    expect(given.load).toHaveBeenCalledTimes(1);
    expect(listener).not.toHaveBeenCalled();
    expect(requests.getView().unread).toBe(1);
  });

  it('shows the answer to the newest question, whatever order the answers come in', async () => {
    const slowLoad = deferred<MySupportView>();
    const load = vi.fn().mockReturnValueOnce(slowLoad.promise).mockResolvedValueOnce(viewWith(0));
    const requests = new MyRequests(ports({ load }));
    const loading = requests.reload();
    await requests.reload();
    slowLoad.resolve(viewWith(5));
    await loading;
    expect(requests.getView().unread).toBe(0);
  });

  it('says when the background could not be told', async () => {
    const failing = new Error('Extension context invalidated.');
    const onError = vi.fn();
    const requests = new MyRequests(ports({ seen: vi.fn().mockRejectedValue(failing), onError }));
    await requests.markSeen(ID);
    expect(onError).toHaveBeenCalledWith(failing);
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
