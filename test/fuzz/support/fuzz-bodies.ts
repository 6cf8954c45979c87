import type { RequestSpec } from './fuzz-calls.ts';

/** Every body type authFetch promises to replay byte-identical, and the one it cannot (a stream). */
export const bodyKinds = ['text', 'json', 'bytes', 'params', 'blob', 'form', 'stream'] as const;
export type BodyKind = (typeof bodyKinds)[number];

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * The init that carries `spec`'s body, and the bytes every send must carry (undefined when only the sends can
 * agree: a multipart boundary).
 *
 * @example
 * const { init, expected } = bodyOf(spec);
 */
export function bodyOf(spec: RequestSpec): { init: RequestInit; expected: Uint8Array | undefined } {
  if (spec.method === 'GET') return { init: {}, expected: new Uint8Array() };
  const { text, bytes } = spec;
  switch (spec.body) {
    case 'text':
      return { init: { body: text }, expected: utf8(text) };
    case 'json': {
      const json = JSON.stringify({ text, n: bytes.length });
      return { init: { body: json, headers: { 'content-type': 'application/json' } }, expected: utf8(json) };
    }
    case 'bytes':
      return { init: { body: bytes.slice() }, expected: bytes };
    case 'params': {
      const params = new URLSearchParams({ text, tail: 'a&b=c' });
      return { init: { body: params }, expected: utf8(params.toString()) };
    }
    case 'blob':
      return { init: { body: new Blob([bytes.slice()]) }, expected: bytes };
    case 'form': {
      const form = new FormData();
      form.append('text', text);
      form.append('file', new Blob([bytes.slice()]), 'photo.jpg');
      return { init: { body: form }, expected: undefined };
    }
    case 'stream': {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice());
          controller.close();
        },
      });
      return { init: { body: stream, duplex: 'half' } as RequestInit, expected: bytes };
    }
  }
}
