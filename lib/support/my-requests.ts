/**
 * The user's help requests as one tab's overlay shows them: loaded from the background, which
 * owns them (`lib/support/replies`), when the overlay starts and whenever the background says they
 * changed, and read by React as an external store. Answers to out-of-order loads are dropped.
 */
import { EMPTY_SUPPORT_VIEW, type MySupportView, type SupportActionOutcome } from './replies';

export interface MyRequestsPorts {
  load(): Promise<MySupportView>;
  seen(requestId: string): Promise<MySupportView>;
  later(): Promise<MySupportView>;
  reply(requestId: string, body: string): Promise<SupportActionOutcome>;
  solve(requestId: string): Promise<SupportActionOutcome>;
  /** A load that failed (the background is away while the extension updates): the last view stays. */
  onError(error: unknown): void;
}

export class MyRequests {
  private readonly listeners = new Set<() => void>();
  private view: MySupportView = EMPTY_SUPPORT_VIEW;
  /** Numbers each view request; only the newest one's answer is shown. */
  private asked = 0;

  constructor(private readonly ports: MyRequestsPorts) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): MySupportView => this.view;

  /** Loads the view again (on start and when the background's revision moves). */
  reload(): Promise<void> {
    return this.take(() => this.ports.load());
  }

  markSeen(requestId: string): Promise<void> {
    return this.take(() => this.ports.seen(requestId));
  }

  later(): Promise<void> {
    return this.take(() => this.ports.later());
  }

  /** The background stores what changes and moves the revision, which reloads every tab's view. */
  reply(requestId: string, body: string): Promise<SupportActionOutcome> {
    return this.ports.reply(requestId, body);
  }

  solve(requestId: string): Promise<SupportActionOutcome> {
    return this.ports.solve(requestId);
  }

  private async take(ask: () => Promise<MySupportView>): Promise<void> {
    const mine = ++this.asked;
    try {
      const view = await ask();
      if (mine !== this.asked) return;
      this.view = view;
      for (const listener of this.listeners) listener();
    } catch (error) {
      this.ports.onError(error);
    }
  }
}
