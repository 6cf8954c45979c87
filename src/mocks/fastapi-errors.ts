import { HttpResponse } from 'msw';

// FastAPI's 422 and its `{ detail: [{ loc, msg, type }] }`, as the reference backend answers (pydantic's messages).

/** One entry of FastAPI's 422 `detail`. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * FastAPI's 422 answer.
 *
 * @example
 * return validationError({ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' });
 */
export function validationError(...issues: ValidationIssue[]): Response {
  return HttpResponse.json({ detail: issues }, { status: 422 });
}

/** `field required` at `loc`. */
export const missing = (...loc: (string | number)[]): ValidationIssue => ({ loc, msg: 'field required', type: 'value_error.missing' });

/**
 * The JSON body of a route that takes a pydantic model, read as FastAPI reads
 * it: JSON when the content type is JSON or absent, else raw bytes (not a
 * dict); an empty body or `null` is a missing body. An issue when it is not an object.
 *
 * @example
 * const body = await readJsonObject(request);
 * if ('issue' in body) return validationError(body.issue);
 */
export async function readJsonObject(request: Request): Promise<{ value: Record<string, unknown> } | { issue: ValidationIssue }> {
  const text = await request.text();
  if (!text) return { issue: missing('body') };
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json' && !/^application\/.+\+json$/.test(type)) {
    return { issue: { loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the body around the error, a sign-in's code and verifier with it.
    return { issue: { loc: ['body', 0], msg: 'Expecting a JSON value', type: 'value_error.jsondecode' } };
  }
  if (value === null) return { issue: missing('body') };
  if (typeof value !== 'object' || Array.isArray(value))
    return { issue: { loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' } };
  return { value: value as Record<string, unknown> };
}

/**
 * pydantic's `StrictStr` field check: the string, or the issue FastAPI reports.
 *
 * @example
 * const code = strictString(body, 'code');
 */
export function strictString(body: Record<string, unknown>, field: string): { value: string } | { issue: ValidationIssue } {
  const value = body[field];
  if (value === undefined) return { issue: missing('body', field) };
  if (value === null) return { issue: { loc: ['body', field], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' } };
  if (typeof value !== 'string') return { issue: { loc: ['body', field], msg: 'str type expected', type: 'type_error.str' } };
  return { value };
}

/**
 * An optional integer query parameter, as FastAPI parses `page: int = 1`:
 * absent → `fallback`; present but not an integer (empty included) → an issue.
 *
 * @example
 * const page = integerQuery(url, 'page', 1);
 */
export function integerQuery(url: URL, name: string, fallback: number): { value: number } | { issue: ValidationIssue } {
  const raw = url.searchParams.get(name);
  if (raw === null) return { value: fallback };
  if (!/^\s*[+-]?\d+\s*$/.test(raw))
    return { issue: { loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' } };
  return { value: Number(raw) };
}
