import { HttpResponse, type PathParams } from 'msw';

// FastAPI's LimitBodySize (backend/app/main.py): bodies are read before the token is checked, so they stop at a limit.
/** The limit on any request's body: a 413 past it. */
export const maxBodyBytes = 1024 * 1024;
/** The limit on an upload's whole body: a 413 past it (a 5-20 MB image still gets its 200 with the issue). */
export const maxUploadBodyBytes = 20 * 1024 * 1024;

/**
 * An upload's limit: 20 MB for its multipart form, 1 MB for any other body, which carries no image.
 *
 * @example
 * http.post(`${base}/api/images/validate`, limitBody(uploadLimit, authed(ctx, validate)));
 */
export const uploadLimit = (request: Request): number =>
  request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data') ? maxUploadBodyBytes : maxBodyBytes;

type Resolver = (info: { request: Request; params: PathParams }) => Promise<Response>;

/**
 * A 413 for a body over `limit` (or the one it gives for the request), as FastAPI answers it before anything else.
 *
 * @example
 * http.post(`${base}/api/jewelry/generate`, limitBody(maxBodyBytes, authed(ctx, generate)));
 */
export function limitBody(limit: number | ((request: Request) => number), resolve: Resolver): Resolver {
  return async (info) => {
    const max = typeof limit === 'number' ? limit : limit(info.request);
    // In the page a fetch's request has no content-length yet: the body is measured instead.
    const declared = info.request.headers.get('content-length');
    const length = declared === null ? (await info.request.clone().arrayBuffer()).byteLength : Number(declared);
    if (length <= max) return resolve(info);
    return HttpResponse.json({ detail: `The request is larger than ${max / (1024 * 1024)} MB.` }, { status: 413 });
  };
}
