// A broken SMTP server for tests: it speaks enough SMTP to take a whole message, then (for the
// arrivals `breakOn` picks) drops the connection or never answers after the final ".", the one
// moment at which a client cannot know whether the message was taken. Other arrivals get 250.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export type Breakage = 'drop' | 'hang' | undefined;

export interface BrokenSmtpServer {
  url: string;
  /** Message-IDs of every message that arrived whole, in order (taken or not answered). */
  arrived: string[];
  close(): Promise<void>;
}

export async function startBrokenSmtpServer(breakOn: (arrival: number) => Breakage): Promise<BrokenSmtpServer> {
  const arrived: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let inData = false;
    socket.write('220 broken.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          const messageId = /^Message-ID:\s*(\S+)/im.exec(message)?.[1] ?? '';
          arrived.push(messageId);
          const breakage = breakOn(arrived.length);
          if (breakage === 'drop') {
            socket.destroy();
            return;
          }
          if (breakage === 'hang') return;
          socket.write(`250 Ok: queued as B${arrived.length}\r\n`);
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 broken.test\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n');
          return;
        } else socket.write('250 Ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
