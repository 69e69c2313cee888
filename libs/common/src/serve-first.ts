import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

/** A route served on node:http itself, ahead of the framework. */
export interface HotRoute {
  matches(req: IncomingMessage): boolean;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Puts a hot route in front of the framework on the same server: its requests never
 * enter Nest or its HTTP adapter; every other request does, as before. Used for the
 * few routes every data request crosses, where the framework costs more CPU than the
 * work (the worker's internal shard route, the api's search routes).
 */
export function serveFirst(server: Server, route: HotRoute): void {
  const framework = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (route.matches(req)) route.serve(req, res);
    else for (const listener of framework) listener(req, res);
  });
}
