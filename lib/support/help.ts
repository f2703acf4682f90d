/**
 * Whether the help dialog is open, and the context it was opened with: one per tab, shared by
 * the launcher's "Get help" and the keyboard shortcut, read by the overlay as an external store.
 * The context is taken when the dialog opens, so what "What we send" lists is what is sent; so
 * is the screenshot, of the page as it was before the dialog covered it.
 */
import type { SupportContext, SupportKind, SupportRequest, SupportScreenshot } from '../api/support';
import type { SupportOutcome } from './queue';
import type { HelpCapture } from './screenshot';

export interface HelpPorts {
  /** The context right now, or null where there is nothing to attach (not a CRM page). */
  snapshot(): SupportContext | null;
  /** A screenshot of the page, masked later by the dialog; taken before the dialog shows. */
  capture(): Promise<HelpCapture>;
  send(request: SupportRequest): Promise<SupportOutcome>;
  newId(): string;
}

export class HelpRequests {
  private readonly listeners = new Set<() => void>();
  private attachment: SupportContext | null = null;
  private screenshot: HelpCapture | null = null;
  private opening = false;

  constructor(private readonly ports: HelpPorts) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The context of the open dialog; null while it is closed. */
  getOpen = (): SupportContext | null => this.attachment;

  /** The screenshot taken as the open dialog opened; null while it is closed. */
  getCapture = (): HelpCapture | null => this.screenshot;

  /** Takes the context, then the screenshot, then shows the dialog; a second call meanwhile does nothing. */
  async open(): Promise<void> {
    if (this.attachment !== null || this.opening) return;
    const attachment = this.ports.snapshot();
    if (attachment === null) return;
    this.opening = true;
    // Help must open whatever became of the screenshot.
    this.screenshot = await this.ports.capture().catch(
      (error: unknown): HelpCapture => ({ status: 'refused', reason: 'unavailable', message: error instanceof Error ? error.message : String(error) }),
    );
    this.opening = false;
    this.attachment = attachment;
    this.publish();
  }

  close(): void {
    this.attachment = null;
    this.screenshot = null;
    this.publish();
  }

  /** Sends with the context the dialog was opened with; one id per Send, so a retry is not a duplicate. */
  send(input: { kind: SupportKind; description: string; screenshot?: SupportScreenshot }): Promise<SupportOutcome> {
    if (this.attachment === null) return Promise.reject(new Error('The help dialog is not open'));
    return this.ports.send({ id: this.ports.newId(), ...input, context: this.attachment });
  }

  private publish(): void {
    for (const listener of this.listeners) listener();
  }
}
