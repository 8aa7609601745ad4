// A real HTTP receiver on 127.0.0.1 for webhook tests and the benchmark: verifies each delivery
// with the `standardwebhooks` package and answers what the test says.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: a body is whatever JSON was sent
  body: { type: string; timestamp: string; data: Record<string, any> };
  verified: boolean;
}

export interface HookReceiver {
  url: string;
  /** Every request, in arrival order (answered 2xx or not). */
  received: Received[];
  /** The secret to verify with (set after the endpoint is created). */
  secret: string;
  /** The status to answer the n-th request (1-based). */
  answer: (n: number) => number;
  close(): Promise<void>;
}

export async function startHookReceiver(answer: (n: number) => number = () => 204): Promise<HookReceiver> {
  const state: HookReceiver = { url: '', received: [], secret: '', answer, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        new Webhook(state.secret).verify(raw, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      state.received.push({ id: String(req.headers['webhook-id']), body: JSON.parse(raw), verified });
      res.statusCode = verified ? state.answer(state.received.length) : 401;
      res.end();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
