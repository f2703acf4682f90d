/**
 * Whether the help dialog is open, and the context it was opened with: one per tab, shared by
 * the launcher's "Get help" and the keyboard shortcut, read by the overlay as an external store.
 * The context is taken when the dialog opens, so what "What we send" lists is what is sent.
 */
import type { SupportContext, SupportKind, SupportRequest } from '../api/support';
import type { SupportOutcome } from './queue';

export interface HelpPorts {
  /** The context right now, or null where there is nothing to attach (not a CRM page). */
  snapshot(): SupportContext | null;
  send(request: SupportRequest): Promise<SupportOutcome>;
  newId(): string;
}

export class HelpRequests {
  private readonly listeners = new Set<() => void>();
  private attachment: SupportContext | null = null;

  constructor(private readonly ports: HelpPorts) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The context of the open dialog; null while it is closed. */
  getOpen = (): SupportContext | null => this.attachment;

  open(): void {
    if (this.attachment !== null) return;
    this.attachment = this.ports.snapshot();
    this.publish();
  }

  close(): void {
    this.attachment = null;
    this.publish();
  }

  /** Sends with the context the dialog was opened with; one id per Send, so a retry is not a duplicate. */
  send(input: { kind: SupportKind; description: string }): Promise<SupportOutcome> {
    if (this.attachment === null) return Promise.reject(new Error('The help dialog is not open'));
    return this.ports.send({ id: this.ports.newId(), ...input, context: this.attachment });
  }

  private publish(): void {
    for (const listener of this.listeners) listener();
  }
}
