import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Slack's Socket Mode end of the line, on 127.0.0.1: a minimal WebSocket
 * server (RFC 6455 handshake, text frames, ping → pong, close) written out
 * here so the test needs no WebSocket package. It greets with `hello`,
 * pushes envelopes and collects the app's acknowledgements.
 */
export class SocketModeFake {
  readonly acks: Array<{ envelope_id: string; payload?: Record<string, unknown> }> = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  static async start(): Promise<SocketModeFake> {
    const fake = new SocketModeFake();
    fake.server = createServer((_req, res) => res.writeHead(426).end());
    fake.server.on('upgrade', (req, socket: Socket) => {
      const key = String(req.headers['sec-websocket-key'] ?? '');
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
      socket.on('error', () => fake.sockets.delete(socket));
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (let frame = readFrame(buffer); frame; frame = readFrame(buffer)) {
          buffer = buffer.subarray(frame.length);
          if (frame.opcode === 0x1) fake.acks.push(JSON.parse(frame.payload.toString('utf8')));
          else if (frame.opcode === 0x9) socket.write(encodeFrame(0xa, frame.payload));
          else if (frame.opcode === 0x8) {
            socket.write(encodeFrame(0x8, frame.payload));
            socket.end();
          }
        }
      });
      socket.write(encodeFrame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP0001' } }))));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `ws://127.0.0.1:${(fake.server.address() as AddressInfo).port}/link`;
    return fake;
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** Pushes an envelope (events_api, interactive, slash_commands); returns its envelope_id. */
  push(type: 'events_api' | 'interactive' | 'slash_commands', payload: Record<string, unknown>): string {
    const envelopeId = randomUUID();
    const message = JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' });
    for (const socket of this.sockets) socket.write(encodeFrame(0x1, Buffer.from(message)));
    return envelopeId;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One complete client frame (masked, unfragmented) from the start of `data`, or undefined. */
function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (data.length < offset + maskLength + length) return undefined;
  const mask = data.subarray(offset, offset + maskLength);
  const payload = Buffer.from(data.subarray(offset + maskLength, offset + maskLength + length));
  if (masked) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: offset + maskLength + length };
}
