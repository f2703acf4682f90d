/**
 * Progress ingest on SQLite, through better-sqlite3's own prepared statements instead of Kysely.
 *
 * `recordProgress` is the backend's hot path: every enrolled browser posts batches of up to 500
 * events. Through Kysely, each batch compiles and SQLite re-prepares one 4,500-parameter
 * `INSERT … VALUES (…), (…) … RETURNING` statement, which costs more than inserting the rows
 * (`npm run bench`, "progress ingest"). Here one single-row statement is prepared once per
 * connection and run per event inside one transaction; its `changes` tells accepted from
 * already-known ids, so no `RETURNING` is needed. The semantics are those of the Kysely path
 * (`kysely-store.ts`), and the same store tests run over both.
 *
 * It runs inside `db.connection()`, so it holds the one SQLite connection Kysely hands out: a
 * Kysely transaction that is waiting between statements is never interleaved with this one.
 */
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { ProgressAck, ProgressEvent } from '../../lib/api';
import type { Database } from './schema';
import type { ProgressScope } from './store';

type DeviceScope = ProgressScope & { deviceId: string };

export interface SqliteProgressWriter {
  record(scope: DeviceScope, events: readonly ProgressEvent[], receivedAt: string, idTakenMessage: string): Promise<ProgressAck>;
}

export function sqliteProgressWriter(db: Kysely<Database>, sqlite: SQLite.Database): SqliteProgressWriter {
  // Prepared on first use: the store is created before its migrations have made the table.
  let write: ((scope: DeviceScope, events: readonly ProgressEvent[], receivedAt: string, idTakenMessage: string) => ProgressAck) | null = null;

  const prepare = () => {
    const insert = sqlite.prepare<[string, string, string, string, string, string, string, string, string]>(
      `insert into progress_events (organisation_id, id, user_id, device_id, type, pack_id, at, received_at, payload)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (organisation_id, id) do nothing`,
    );
    const ownerOf = sqlite.prepare<[string, string], { user_id: string }>(
      'select user_id from progress_events where organisation_id = ? and id = ?',
    );
    return sqlite.transaction((scope: DeviceScope, events: readonly ProgressEvent[], receivedAt: string, idTakenMessage: string) => {
      const ack: ProgressAck = { accepted: [], duplicates: [], rejected: [] };
      const seen = new Set<string>();
      for (const event of events) {
        // A batch that names an id twice answers for it once, like the Kysely path.
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        const { changes } = insert.run(
          scope.organisationId,
          event.id,
          scope.userId,
          scope.deviceId,
          event.type,
          event.packId,
          event.at,
          receivedAt,
          JSON.stringify(event),
        );
        if (changes === 1) ack.accepted.push(event.id);
        else if (ownerOf.get(scope.organisationId, event.id)?.user_id === scope.userId) ack.duplicates.push(event.id);
        else ack.rejected.push({ id: event.id, error: idTakenMessage });
      }
      return ack;
    });
  };

  return {
    record: (scope, events, receivedAt, idTakenMessage) =>
      db.connection().execute(async () => {
        write ??= prepare();
        return write(scope, events, receivedAt, idTakenMessage);
      }),
  };
}
