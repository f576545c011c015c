/**
 * Webhook deliveries across restarts and state snapshots. With a table (`--data`), each delivery is
 * written as it changes and read back into the log at start; its signer is saved by name (functions are
 * not data), so an unfinished one waits, listed, until a signer of that name is registered, and then goes
 * on where it was. A state export takes a scope's deliveries without their place in the log; a restore
 * lists them again after those in the log and sends the unfinished ones on as after a restart.
 */
import type { DeliveryLog } from './delivery-log.js';
import type { Table } from './table.js';
import { isFinished, type DeliveryRecord } from './delivery-record.js';
import type { DeliveryTransition, ExportedDelivery, SavedDelivery } from './webhook-delivery.js';
import type { WebhookSigner } from './webhook-signing.js';

export class DeliveryPersistence {
  private readonly signerNames = new Map<WebhookSigner, string>();
  private readonly signers = new Map<string, WebhookSigner>();
  /** Unfinished deliveries loaded from the data file, by the signer they wait for. */
  private readonly dormant = new Map<string, DeliveryRecord[]>();

  /** `resume` sends a loaded, signed, unfinished delivery on where it was (a retry at its time, else in line). */
  constructor(
    private readonly log: DeliveryLog<DeliveryRecord>,
    private readonly table: Table<SavedDelivery> | undefined,
    private readonly resume: (record: DeliveryRecord) => void,
  ) {}

  /**
   * Names a signer, so deliveries signed with it can be saved and resumed after a restart; resumes the
   * loaded deliveries that wait for it.
   */
  registerSigner(name: string, signer: WebhookSigner): void {
    this.signerNames.set(signer, name);
    this.signers.set(name, signer);
    const waiting = this.dormant.get(name);
    if (!waiting) return;
    this.dormant.delete(name);
    for (const record of waiting) {
      record.sign = signer;
      this.resume(record);
    }
  }

  /** A new delivery's persisted form when there is a table: the same delivery object, so it is written as it now is. */
  savedFor(record: DeliveryRecord): SavedDelivery | undefined {
    if (!this.table) return undefined;
    const signer = record.sign && this.signerNames.get(record.sign);
    return {
      id: record.id,
      seq: record.seq,
      ...(signer ? { signer } : {}),
      delivery: record.delivery,
      rawBody: record.rawBody,
      secret: record.secret,
      ...(record.headers ? { headers: record.headers } : {}),
    };
  }

  /**
   * Keeps the table in step. An attempt's start is not written: after a crash in the middle of one, the
   * delivery is still due and is sent again (at least once; receivers dedupe on the event id). Its
   * result is written in the same batch as the retry or the end it leads to.
   */
  save(transition: DeliveryTransition): void {
    const saved = (transition.state as DeliveryRecord).saved;
    if (!this.table || !saved) return;
    switch (transition.kind) {
      case 'created':
        this.table.put(saved);
        return;
      case 'attempt-started':
        return;
      case 'dropped':
        this.table.delete(saved.id);
        return;
      default:
        this.table.touch(saved);
    }
  }

  /** The deliveries the data file holds, back in the log in creation order; unfinished ones wait for their signer. */
  load(): void {
    if (!this.table) return;
    const saved = [...this.table.all()].sort((a, b) => a.seq - b.seq);
    for (const entry of saved) {
      const record = this.adopt(entry);
      if (!isFinished(record.delivery.status)) this.awaitSigner(record, entry.signer);
    }
  }

  /**
   * Every delivery of everything, one namespace or one tenant of it, oldest first, as a state export keeps
   * it: what the data file would hold, without the log position (a restore gives each a new one).
   */
  exported(namespace?: string, tenant?: string): ExportedDelivery[] {
    const out: ExportedDelivery[] = [];
    for (const record of this.log.newestFirst()) {
      const { delivery } = record;
      if ((namespace !== undefined && delivery.namespace !== namespace) || (tenant !== undefined && delivery.tenant !== tenant)) continue;
      const signer = record.sign ? this.signerNames.get(record.sign) : record.saved?.signer;
      out.push({
        id: record.id,
        ...(signer ? { signer } : {}),
        delivery,
        rawBody: record.rawBody,
        secret: record.secret,
        ...(record.headers ? { headers: record.headers } : {}),
      });
    }
    return out.reverse();
  }

  /**
   * Deliveries a state import brings back, after the ones in the log, in their order: listed again, and
   * the unfinished ones resumed as after a restart (a retry at its time, else in line).
   */
  restore(deliveries: readonly ExportedDelivery[]): void {
    for (const exported of deliveries) {
      const entry: SavedDelivery = { ...exported, seq: this.log.lastSeq + 1 };
      const record = this.adopt(entry);
      this.table?.put(entry);
      // Finished, or already forgotten to keep the log's bound.
      if (isFinished(record.delivery.status) || this.log.get(record.id) !== record) continue;
      const signer = this.signers.get(entry.signer ?? '');
      if (!signer) {
        this.awaitSigner(record, entry.signer);
        continue;
      }
      record.sign = signer;
      this.resume(record);
    }
  }

  /** A saved delivery back in the log (a finished one is done with), not yet resumed. */
  private adopt(entry: SavedDelivery): DeliveryRecord {
    const record: DeliveryRecord = {
      id: entry.id,
      seq: entry.seq,
      delivery: entry.delivery,
      rawBody: entry.rawBody,
      secret: entry.secret,
      headers: entry.headers,
      sign: undefined,
      saved: this.table ? entry : undefined,
      timer: undefined,
      cancelled: false,
    };
    this.log.add(record);
    if (isFinished(record.delivery.status)) this.log.finished(record);
    return record;
  }

  /** Unsigned deliveries cannot be sent again; they wait, listed, for a signer of that name. */
  private awaitSigner(record: DeliveryRecord, signer: string | undefined): void {
    const name = signer ?? '';
    const waiting = this.dormant.get(name);
    if (waiting) waiting.push(record);
    else this.dormant.set(name, [record]);
  }
}
