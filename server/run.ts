/**
 * Starts the whole backend from its configuration (open and migrate the store, build the app,
 * listen, send webhooks) and stops it in order on SIGTERM or SIGINT. Used by `server/main.ts`
 * and `npm start`.
 */
import { createApp } from './app';
import { describeStore, type ServerConfig } from './config';
import type { Logger } from './http/log';
import { listen } from './serve';
import { openStore } from './store/open';
import type { Store } from './store/store';
import { createWebhookDispatcher } from './webhooks/dispatcher';

export interface Backend {
  url: string;
  store: Store;
  /** Stops accepting, lets in-flight requests and webhook deliveries finish, closes the store. */
  stop(): Promise<void>;
}

export async function startBackend(config: ServerConfig, log: Logger): Promise<Backend> {
  const store = openStore(config.store, {
    onPoolError: (error) => log({ level: 'error', msg: 'database connection error', error: error.message }),
  });
  try {
    const applied = await store.migrate();
    log({ level: 'info', msg: 'database ready', store: describeStore(config.store), migrationsApplied: applied.join(',') || null });
    const server = await listen(createApp({ store, allowedOrigins: config.allowedOrigins, log, trustProxy: config.trustProxy, inbox: { dir: config.inboxDir } }), config);
    log({ level: 'info', msg: 'listening', url: server.url });
    const webhooks = createWebhookDispatcher({ store, publicUrl: config.publicUrl, log });
    webhooks.start();
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      store,
      stop: () =>
        (stopping ??= (async () => {
          log({ level: 'info', msg: 'stopping: finishing in-flight requests' });
          await Promise.all([server.close(), webhooks.stop()]);
          await store.close();
          log({ level: 'info', msg: 'stopped' });
        })()),
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** Ctrl-C or `kill`: stop gracefully; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(1);
    received = true;
    log({ level: 'info', msg: 'signal', signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log({ level: 'error', msg: 'stop failed', error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
