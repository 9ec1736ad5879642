/**
 * Serves the built harness pages and the bench's documents on 127.0.0.1, with the app's
 * security headers so the viewers run under the app's real CSP, and converts Word and RTF
 * files as the main process does through the contract.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../electron/app-error';
import { docxToSafeDocument } from '../../electron/convert/docx-to-safe-document';
import { rtfToText } from '../../electron/convert/rtf-to-text';
import { textToSafeDocument } from '../../electron/convert/safe-document';
import { SECURITY_HEADERS } from '../../electron/csp';
import { readStaticFile } from '../../electron/static-files';

export interface HarnessServer {
  origin: string;
  documents: Map<string, Uint8Array>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function convert(kind: string, bytes: Uint8Array): Promise<{ status: number; body: unknown }> {
  try {
    if (kind === 'docx') return { status: 200, body: { document: await docxToSafeDocument(bytes) } };
    if (kind === 'rtf') {
      const { text, images, objects, truncated } = rtfToText(bytes);
      return { status: 200, body: { document: textToSafeDocument(text, { images, objects, links: 0, truncated }) } };
    }
    return { status: 404, body: { message: 'Unknown conversion.' } };
  } catch (error) {
    return { status: 200, body: { message: error instanceof AppError ? error.message : 'The document could not be converted.' } };
  }
}

export async function startHarnessServer(staticDir: string): Promise<HarnessServer> {
  const documents = new Map<string, Uint8Array>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      response.setHeader('Cache-Control', 'no-store');
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const document = url.pathname.startsWith('/docs/')
        ? documents.get(decodeURIComponent(url.pathname.slice('/docs/'.length)))
        : undefined;
      if (document) {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': document.byteLength }).end(document);
        return;
      }
      const conversion = /^\/convert\/(\w+)$/.exec(url.pathname);
      if (conversion && request.method === 'POST') {
        const result = await convert(conversion[1] ?? '', await readBody(request));
        response.writeHead(result.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(result.body));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        response.writeHead(204).end();
        return;
      }
      const file = await readStaticFile(staticDir, url.pathname);
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'Content-Type': file.contentType }).end(file.body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    documents,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
