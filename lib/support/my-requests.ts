/**
 * The user's help requests as one tab's overlay shows them: loaded from the background, which
 * owns them (`lib/support/replies`), when the overlay starts and whenever the background says they
 * changed, and read by React as an external store. Answers to out-of-order loads are dropped.
 * What the user does here (read a request, "Later") is told to the background, which moves the
 * revision when it changed something: that reload is the one that shows it, in this tab and all.
 */
import type { SupportActionOutcome } from './replies';
import { EMPTY_SUPPORT_VIEW, type MySupportView } from './replies-view';

export interface MyRequestsPorts {
  load(): Promise<MySupportView>;
  seen(requestId: string): Promise<void>;
  later(): Promise<void>;
  reply(requestId: string, body: string): Promise<SupportActionOutcome>;
  solve(requestId: string): Promise<SupportActionOutcome>;
  /** A message that failed (the background is away while the extension updates): the last view stays. */
  onError(error: unknown): void;
}

export class MyRequests {
  private readonly listeners = new Set<() => void>();
  private view: MySupportView = EMPTY_SUPPORT_VIEW;
  /** Numbers each load; only the newest one's answer is shown. */
  private asked = 0;

  constructor(private readonly ports: MyRequestsPorts) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): MySupportView => this.view;

  /** Loads the view again (on start and when the background's revision moves). */
  async reload(): Promise<void> {
    const mine = ++this.asked;
    try {
      const view = await this.ports.load();
      if (mine !== this.asked) return;
      this.view = view;
      for (const listener of this.listeners) listener();
    } catch (error) {
      this.ports.onError(error);
    }
  }

  markSeen(requestId: string): Promise<void> {
    return this.tell(() => this.ports.seen(requestId));
  }

  later(): Promise<void> {
    return this.tell(() => this.ports.later());
  }

  /** The background stores what changes and moves the revision, which reloads every tab's view. */
  reply(requestId: string, body: string): Promise<SupportActionOutcome> {
    return this.ports.reply(requestId, body);
  }

  solve(requestId: string): Promise<SupportActionOutcome> {
    return this.ports.solve(requestId);
  }

  private async tell(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.ports.onError(error);
    }
  }
}
