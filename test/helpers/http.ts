// A small HTTP client over node:http with a bounded socket pool, for load in tests and benchmarks.
import { Agent, request } from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
}

export function createHttpClient(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post(url: string, body: unknown, headers: Record<string, string>): Promise<HttpResult> {
      return new Promise((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
          },
          (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (data += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
