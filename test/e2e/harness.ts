/**
 * Drives Debian's Chromium with the built extension (`.output/chrome-mv3`) through playwright-core,
 * with CRM host names routed to the local fixture server. Helpers reach the extension the way its
 * own parts do: `chrome.tabs.sendMessage` from the service worker, `chrome.runtime.sendMessage`
 * from an extension page, and the popup.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page, type Worker } from 'playwright-core';
import { CRM_HOST_PATTERNS } from '../../lib/crm/hosts';
import type { CrmContext } from '../../lib/crm/context';
import type { Envelope, MessageName, MessageResponse } from '../../lib/messages';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const OUTPUT_DIR = process.env.OMBORD_OUTPUT_DIR ?? '.output';
/** The built Chrome extension; `OMBORD_OUTPUT_DIR` (also read by wxt.config.ts) moves it. */
export const EXTENSION_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), OUTPUT_DIR, 'chrome-mv3');

/** Non-CRM hosts the tests visit: the content script must not run there. */
export const NON_CRM_HOSTS = ['www.example.org', '*.my.site.com', '*.phish.example'] as const;

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  /**
   * The extension's popup in the browser's first tab, to message the background as the popup
   * does. Opened before any test tab, so it never takes the foreground from one: background tabs
   * get no animation frames, and Playwright's clicks wait for those.
   */
  extensionPage: Page;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Port of the fixture server (`inject('fixturePort')` in a test file). */
  fixturePort: number;
  /**
   * Load a copy of the built extension whose `host_permissions` also hold `"<all_urls>"`.
   *
   * Why: the help screenshot (`tabs.captureVisibleTab`) needs `activeTab` or `<all_urls>`. A user
   * grants `activeTab` by invoking the extension (its keyboard shortcut or toolbar button), but a
   * headless browser driven over CDP can do neither: key presses sent over CDP do not trigger
   * extension commands, and there is no toolbar to click. `<all_urls>` is the state of a user who
   * granted it — the only difference from the extension as built; everything else (the
   * `support:capture` handler's own active-tab check included) runs unchanged.
   */
  grantAllUrls?: boolean;
}

/** `--host-resolver-rules`: every CRM host pattern and the non-CRM test hosts go to the fixture server, nothing else resolves. */
export function hostResolverRules(port: number): string {
  const crmHosts = CRM_HOST_PATTERNS.map((pattern) => pattern.replace(/^https:\/\//, '').replace(/\/\*$/, ''));
  const maps = [...crmHosts, ...NON_CRM_HOSTS].map((host) => `MAP ${host} 127.0.0.1:${port}`);
  return [...maps, 'MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1'].join(', ');
}

/** A copy of the built extension with `"<all_urls>"` added to its host permissions (see `LaunchOptions.grantAllUrls`). */
async function extensionWithAllUrls(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'ombord-e2e-all-urls-'));
  await cp(EXTENSION_DIR, directory, { recursive: true });
  const manifestPath = path.join(directory, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { host_permissions?: string[] };
  manifest.host_permissions = [...(manifest.host_permissions ?? []), '<all_urls>'];
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return directory;
}

export async function launchBrowser({ fixturePort, grantAllUrls = false }: LaunchOptions): Promise<ExtensionBrowser> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'ombord-e2e-'));
  const extensionCopy = grantAllUrls ? await extensionWithAllUrls() : null;
  const extensionDir = extensionCopy ?? EXTENSION_DIR;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    // Extensions need the full browser: new headless is asked for by flag, not by Playwright's `headless`.
    headless: false,
    // Playwright disables extensions by default.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--ignore-certificate-errors',
      `--host-resolver-rules=${hostResolverRules(fixturePort)}`,
    ],
  });
  const close = async (): Promise<void> => {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
    if (extensionCopy !== null) await rm(extensionCopy, { recursive: true, force: true });
  };
  try {
    const isExtensionWorker = (worker: Worker): boolean => worker.url().startsWith('chrome-extension://');
    const started = context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 15_000 });
    const serviceWorker = context.serviceWorkers().find(isExtensionWorker) ?? (await started);
    started.catch(() => undefined);
    const extensionId = new URL(serviceWorker.url()).host;
    const extensionPage = context.pages()[0] ?? (await context.newPage());
    await extensionPage.goto(`chrome-extension://${extensionId}/popup.html`);
    return { context, extensionId, serviceWorker, extensionPage, close };
  } catch (error) {
    await close();
    throw new Error(`The extension's service worker did not start from ${extensionDir}`, { cause: error });
  }
}

/** The few `chrome.*` calls the helpers make inside the browser. */
interface ChromeTab {
  id?: number;
  url?: string;
}
interface ChromeApi {
  tabs: {
    query(query: Record<string, never>): Promise<ChromeTab[]>;
    sendMessage(tabId: number, message: unknown): Promise<unknown>;
  };
  runtime: {
    sendMessage(message: unknown): Promise<unknown>;
    onMessage: { addListener(listener: (message: unknown, sender: { tab?: ChromeTab }) => undefined): void };
  };
}
interface ChromeGlobal {
  chrome: ChromeApi;
}

async function tabs(ext: ExtensionBrowser): Promise<ChromeTab[]> {
  return ext.serviceWorker.evaluate(() => (globalThis as unknown as ChromeGlobal).chrome.tabs.query({}));
}

/**
 * The tab id of a page on a CRM host, matched by URL (the extension sees URLs only on its hosts;
 * use `openTab` for other pages).
 */
export async function tabIdOf(ext: ExtensionBrowser, page: Page): Promise<number> {
  const url = page.url();
  const matches = (await tabs(ext)).filter((tab) => tab.url === url);
  const [tab] = matches;
  if (matches.length !== 1 || tab?.id === undefined) {
    throw new Error(`Expected one tab at ${url}, found ${matches.length}: open CRM pages under distinct URLs, or use openTab()`);
  }
  return tab.id;
}

/** Opens a new tab at `url` in the foreground and returns it with its tab id (found as the one new tab, so any URL works). */
export async function openTab(ext: ExtensionBrowser, url: string): Promise<{ page: Page; tabId: number }> {
  const before = new Set((await tabs(ext)).map((tab) => tab.id));
  const page = await ext.context.newPage();
  const fresh = (await tabs(ext)).filter((tab) => tab.id !== undefined && !before.has(tab.id));
  const [tab] = fresh;
  if (fresh.length !== 1 || tab?.id === undefined) throw new Error(`Expected one new tab, found ${fresh.length}`);
  await page.goto(url);
  return { page, tabId: tab.id };
}

/** What `chrome.tabs.sendMessage` rejected with (e.g. no content script in the tab). */
export interface TabMessageError {
  error: string;
}

export function isTabMessageError(value: unknown): value is TabMessageError {
  return typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string';
}

/** `chrome.tabs.sendMessage(tabId, message)` from the service worker: the content script's answer or `{error}`. */
export async function sendToTab<N extends MessageName>(
  ext: ExtensionBrowser,
  tabId: number,
  message: Envelope<N>,
): Promise<MessageResponse<N> | TabMessageError> {
  const answer = await ext.serviceWorker.evaluate(
    async ({ tabId: id, message: envelope }): Promise<{ response: unknown } | TabMessageError> => {
      try {
        return { response: await (globalThis as unknown as ChromeGlobal).chrome.tabs.sendMessage(id, envelope) };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    },
    { tabId, message },
  );
  return 'error' in answer ? { error: answer.error } : (answer.response as MessageResponse<N>);
}

/** Waits until the content script in `tabId` answers (it starts at document idle). */
export async function waitForContentScript(ext: ExtensionBrowser, tabId: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const answer = await sendToTab(ext, tabId, {
      type: 'anchor:locate',
      data: { target: { strategies: [{ kind: 'css', selector: 'body' }] }, timeoutMs: 0 },
    });
    if (!isTabMessageError(answer)) return;
    last = answer.error;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No content script answered in tab ${tabId} within ${timeoutMs} ms (last error: ${last})`);
}

/** The background's last context for `tabId` (`context:get`), or null. */
export async function backgroundContextOf(ext: ExtensionBrowser, tabId: number): Promise<CrmContext | null> {
  const request: Envelope<'context:get'> = { type: 'context:get', data: { tabId } };
  const context = await ext.extensionPage.evaluate(
    (message) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(message),
    request,
  );
  return (context ?? null) as CrmContext | null;
}

/** A message a content script sent the background, as `recordMessages` saw it arrive. */
export interface RecordedMessage {
  type: string;
  tabId: number | null;
  /** When it arrived in the service worker: ms since the epoch (comparable with a page's `performance.timeOrigin + t`). */
  at: number;
  /** `context:changed` only. */
  context?: CrmContext | null;
}

/**
 * Records every message content scripts send the background, with a second `runtime.onMessage`
 * listener in the service worker that never answers (the extension's own listener does).
 */
export async function recordMessages(ext: ExtensionBrowser): Promise<void> {
  await ext.serviceWorker.evaluate(() => {
    const scope = globalThis as unknown as ChromeGlobal & { ombordE2eMessages?: RecordedMessage[] };
    if (scope.ombordE2eMessages) return;
    const messages: RecordedMessage[] = [];
    scope.ombordE2eMessages = messages;
    scope.chrome.runtime.onMessage.addListener((message, sender) => {
      const envelope = message as { type?: unknown; data?: { context?: CrmContext | null } };
      if (typeof envelope.type !== 'string') return undefined;
      const at = performance.timeOrigin + performance.now();
      const recorded: RecordedMessage = { type: envelope.type, tabId: sender.tab?.id ?? null, at };
      if (envelope.type === 'context:changed') recorded.context = envelope.data?.context ?? null;
      messages.push(recorded);
      return undefined;
    });
  });
}

/** The messages of `type` from `tabId` since `recordMessages`. */
export async function messagesOf(ext: ExtensionBrowser, tabId: number, type: string): Promise<RecordedMessage[]> {
  const messages = await ext.serviceWorker.evaluate(
    () => (globalThis as unknown as { ombordE2eMessages?: RecordedMessage[] }).ombordE2eMessages ?? [],
  );
  return messages.filter((message) => message.tabId === tabId && message.type === type);
}

/** The contexts `tabId` reported (`context:changed`) since `recordMessages`. */
export async function contextReportsOf(ext: ExtensionBrowser, tabId: number): Promise<(CrmContext | null)[]> {
  return (await messagesOf(ext, tabId, 'context:changed')).map((message) => message.context ?? null);
}

/** The popup for a tab, opened as a page: `popup.html?tabId=N` (in the foreground: bring the CRM page back before clicking in it). */
export async function openPopupFor(ext: ExtensionBrowser, tabId: number): Promise<Page> {
  const popup = await ext.context.newPage();
  await popup.goto(`chrome-extension://${ext.extensionId}/popup.html?tabId=${tabId}`);
  return popup;
}

export const POPUP_FIELDS = ['crm', 'environment', 'pageType', 'object', 'recordId', 'surface', 'orgName'] as const;
export type PopupField = (typeof POPUP_FIELDS)[number];

/** The raw values (`data-value`) of the popup's context list; null where a field has no value (empty or missing `data-value`). */
export async function readPopupContext(popup: Page): Promise<Record<PopupField, string | null>> {
  await popup.locator('dl dd[data-field="crm"]').waitFor({ timeout: 10_000 });
  const values = await popup.evaluate(
    (fields) => fields.map((field) => document.querySelector(`dl dd[data-field="${field}"]`)?.getAttribute('data-value') || null),
    [...POPUP_FIELDS],
  );
  const result = {} as Record<PopupField, string | null>;
  POPUP_FIELDS.forEach((field, index) => {
    result[field] = values[index] ?? null;
  });
  return result;
}

/** `chrome.runtime.sendMessage(message)` from the extension's own page, as the popup and options page send it: the background's answer. */
export async function sendToBackground<N extends MessageName>(ext: ExtensionBrowser, message: Envelope<N>): Promise<MessageResponse<N>> {
  const answer = await ext.extensionPage.evaluate((envelope) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(envelope), message);
  return answer as MessageResponse<N>;
}

// ---- Ombord's overlay in a CRM page, found as a user finds it (by role and name) ----

/** The launcher button. */
export const launcher = (page: Page): Locator => page.getByRole('button', { name: 'Ombord guidance' });
/** The guidance panel the launcher opens. */
export const guidancePanel = (page: Page): Locator => page.getByRole('dialog', { name: 'Your guidance' });
/** The help dialog ("Get help", the keyboard shortcut, the popup's button). */
export const helpDialog = (page: Page): Locator => page.getByRole('dialog', { name: 'Ask for help' });
/** The thread of the user's help request, with support's replies. */
export const threadDialog = (page: Page): Locator => page.getByRole('dialog', { name: 'Your help request' });

/** The text of `dialog`'s status line (what it says after Send), trimmed. */
export async function statusText(dialog: Locator): Promise<string> {
  return ((await dialog.getByRole('status').textContent()) ?? '').trim();
}
