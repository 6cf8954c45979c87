import { HttpResponse, http } from 'msw';
import { limitBody, maxBodyBytes, uploadLimit } from './body-limit.ts';
import { missing, readJsonObject, strictString, validationError } from './fastapi-errors.ts';
import { authed, type HandlerContext } from './handler-context.ts';
import { mockSigningKey } from './mock-auth.ts';
import { mockServices, workflowDurationMs } from './mock-data.ts';

const acceptedImageTypes = ['image/png', 'image/jpeg', 'image/webp'];
const maxImageBytes = 5 * 1024 * 1024;

/** What binds a workflow id to its user, as FastAPI's `workflow_tag`: 16 hex digits of an HMAC. */
async function workflowTag(userId: string, started: string, nonce: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(mockSigningKey), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(`workflow:${userId}:${started}:${nonce}`)));
  return Array.from(mac.slice(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The type the file starts as (PNG, JPEG or WebP), as FastAPI's `image_type` reads it; null for anything else. */
async function imageTypeOf(file: Blob): Promise<string | null> {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const startsWith = (bytes: number[], at = 0) => bytes.every((byte, index) => head[at + index] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  return startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8) ? 'image/webp' : null;
}

/** A tiny ring drawing, its colour taken from the workflow id, so each result looks its own. */
function ringImage(workflowId: string): string {
  let hash = 0;
  for (const char of workflowId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">` +
    `<rect width="160" height="160" fill="#faf7f2"/>` +
    `<circle cx="80" cy="92" r="42" fill="none" stroke="#c9a227" stroke-width="10"/>` +
    `<polygon points="80,30 96,50 80,66 64,50" fill="hsl(${hue},70%,55%)" stroke="#7a5c00" stroke-width="2"/></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/**
 * The studio's routes: credits, generate (starts a Temporal workflow),
 * workflow status, microservices health and multipart image validation.
 * Workflow status is computed from the id, which carries its start time, so
 * every copy of the handlers agrees without sharing memory; and a tag, an HMAC
 * of start and user, so only the user who started it can read it.
 *
 * @example
 * setupServer(...studioHandlers(ctx));
 */
export function studioHandlers(ctx: HandlerContext) {
  const base = ctx.apiBaseUrl;
  return [
    http.get(
      `${base}/api/credits`,
      authed(ctx, ({ user }) => HttpResponse.json({ balance: ctx.store.credits(user.sub) })),
    ),
    http.post(
      `${base}/api/jewelry/generate`,
      limitBody(
        maxBodyBytes,
        authed(ctx, async ({ request, user }) => {
          const body = await readJsonObject(request);
          if ('issue' in body) return validationError(body.issue);
          const field = strictString(body.value, 'prompt');
          if ('issue' in field) return validationError(field.issue);
          const prompt = field.value.trim();
          if (!prompt) return validationError({ loc: ['body', 'prompt'], msg: 'prompt must not be empty', type: 'value_error' });
          // Each account's own credits, as FastAPI keeps them.
          if (ctx.store.credits(user.sub) < 1) return HttpResponse.json({ detail: 'Out of credits' }, { status: 402 });
          // Read before the next await: another generation may spend the next credit meanwhile.
          const remaining = ctx.store.credits(user.sub) - 1;
          ctx.store.setCredits(remaining, user.sub);
          const started = ctx.now().toString(36);
          const nonce = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
          const workflowId = `wf_${started}_${nonce}${await workflowTag(user.sub, started, nonce)}`;
          return HttpResponse.json(
            {
              generation_id: `gen_${workflowId.slice(3)}`,
              workflow_id: workflowId,
              prompt,
              credits_remaining: remaining,
            },
            { status: 202 },
          );
        }),
      ),
    ),
    http.get(
      `${base}/api/workflows/:workflowId/status`,
      authed(ctx, async ({ params, user }) => {
        const workflowId = String(params.workflowId);
        const match = /^wf_([0-9a-z]+)_([0-9a-z]{6})([0-9a-f]{16})$/.exec(workflowId);
        // Another user's workflow, or an id nobody issued, is as unknown.
        const owned = match !== null && match[3] === (await workflowTag(user.sub, match[1] ?? '', match[2] ?? ''));
        const started = owned ? parseInt(match[1] ?? '', 36) : Number.NaN;
        if (!Number.isFinite(started)) return HttpResponse.json({ detail: 'Workflow not found' }, { status: 404 });
        // Not below 0, as FastAPI's: the start may be ahead of the clock that reads it.
        const progress = Math.max(0, Math.min(1, (ctx.now() - started) / workflowDurationMs));
        return progress < 1
          ? HttpResponse.json({ workflow_id: workflowId, status: 'RUNNING', progress })
          : HttpResponse.json({ workflow_id: workflowId, status: 'COMPLETED', progress: 1, result: { image_url: ringImage(workflowId) } });
      }),
    ),
    http.get(
      `${base}/api/microservices/health`,
      authed(ctx, () =>
        HttpResponse.json({
          checked_at: new Date(ctx.now()).toISOString(),
          services: mockServices.map((service, index) => ({ ...service, status: 'up', latency_ms: 12 + index * 9 })),
        }),
      ),
    ),
    http.post(
      `${base}/api/images/validate`,
      limitBody(
        uploadLimit,
        authed(ctx, async ({ request }) => {
          // FastAPI's `file: UploadFile = File(...)`: no form or no field is missing, a text field is not a file.
          const form = await request.formData().catch(() => null);
          const file = form?.get('file') ?? null;
          if (file === null) return validationError(missing('body', 'file'));
          if (!(file instanceof Blob)) {
            return validationError({ loc: ['body', 'file'], msg: "Expected UploadFile, received: <class 'str'>", type: 'value_error' });
          }
          // The declared type is the client's word (none, for an extension the system does not know): the bytes say.
          const sniffed = await imageTypeOf(file);
          const issues: string[] = [];
          if (sniffed === null && !acceptedImageTypes.includes(file.type))
            issues.push(`Unsupported type ${file.type || 'unknown'}: use PNG, JPEG or WebP.`);
          else if (sniffed === null && file.size > 0) issues.push('The file is not a PNG, JPEG or WebP image.');
          if (file.size === 0) issues.push('The file is empty.');
          if (file.size > maxImageBytes) issues.push('The file is larger than 5 MB.');
          const filename = 'name' in file && typeof file.name === 'string' ? file.name : 'upload';
          return HttpResponse.json({
            valid: issues.length === 0,
            filename,
            content_type: sniffed ?? file.type,
            size_bytes: file.size,
            issues,
          });
        }),
      ),
    ),
  ];
}
