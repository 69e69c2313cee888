import { DomainError, type RawJson } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import type { SearchRequest } from '@hivehub/shard';
import { DataPlane } from './data-plane.port';

/** Node calls a lane keeps outstanding: one being searched while the next one travels. */
export const LANE_CALLS = 2;
/** The most searches one node call carries when it joins several callers' searches. */
export const LANE_BATCH = 64;

interface Waiting {
  tenant: Tenant;
  requests: SearchRequest[];
  resolve: (results: RawJson[]) => void;
  reject: (err: unknown) => void;
}

interface Lane {
  calls: number;
  waiting: Waiting[];
}

/**
 * Searches of one tenant's collection, sent to its node as `searchBatch` calls: at most
 * LANE_CALLS outstanding, and searches arriving meanwhile leave together in the next
 * call. A lone search goes at once, so one client waits no longer; concurrent clients
 * share the node hop's fixed cost (the HTTP exchange, the node's request handling),
 * which costs more CPU than a search at 128 dimensions. Each caller gets exactly what
 * its own call would have given: its own results, or, when one caller's search is bad
 * (a wrong dimension only the node can see), each caller's searches are sent again
 * alone so the error reaches only the caller it belongs to. Results stay the JSON text
 * the node printed (each search's list of points), for the route to pass on.
 */
export class SearchLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly dataPlane: DataPlane) {}

  search(tenant: Tenant, collection: string, requests: SearchRequest[]): Promise<RawJson[]> {
    const key = `${tenant.id}/${collection}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { calls: 0, waiting: [] }));
    const done = new Promise<RawJson[]>((resolve, reject) => lane.waiting.push({ tenant, requests, resolve, reject }));
    this.pump(key, lane, collection);
    return done;
  }

  private pump(key: string, lane: Lane, collection: string): void {
    while (lane.calls < LANE_CALLS && lane.waiting.length > 0) {
      const group = takeGroup(lane.waiting);
      lane.calls++;
      void this.send(collection, group).finally(() => {
        lane.calls--;
        if (lane.calls === 0 && lane.waiting.length === 0) this.lanes.delete(key);
        else this.pump(key, lane, collection);
      });
    }
  }

  private async send(collection: string, group: Waiting[]): Promise<void> {
    const requests = group.length === 1 ? group[0].requests : group.flatMap((w) => w.requests);
    try {
      const results = await this.dataPlane.callForJson(group[0].tenant, 'searchBatch', { collection, requests });
      let at = 0;
      for (const w of group) {
        w.resolve(results.slice(at, at + w.requests.length));
        at += w.requests.length;
      }
    } catch (err) {
      if (group.length === 1 || !isRequestError(err)) {
        for (const w of group) w.reject(err);
        return;
      }
      await Promise.all(group.map((w) => this.dataPlane.callForJson(w.tenant, 'searchBatch', { collection, requests: w.requests }).then(w.resolve, w.reject)));
    }
  }
}

/** The first waiting caller, and those after it while the call stays within LANE_BATCH searches. */
function takeGroup(waiting: Waiting[]): Waiting[] {
  let count = waiting[0].requests.length;
  let taken = 1;
  while (taken < waiting.length && count + waiting[taken].requests.length <= LANE_BATCH) {
    count += waiting[taken].requests.length;
    taken++;
  }
  return waiting.splice(0, taken);
}

/** An error one caller's own input can cause (the rest of the group may be fine). */
function isRequestError(err: unknown): boolean {
  return err instanceof DomainError && (err.code === 'bad_request' || err.code === 'validation_failed');
}
