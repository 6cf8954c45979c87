/**
 * Everything a person could read from `value` (a log line, an inspector
 * payload, an error with its fields), as one string to search for a token.
 * JSON.stringify alone would miss the message of an Error and the headers of
 * a Request, and throw on cycles; this follows them.
 *
 * @example
 * expect(leakText(client.actor.getSnapshot())).not.toContain(token);
 */
export function leakText(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
    if (typeof v === 'function') return `[function ${v.name}]`;
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[seen]';
    seen.add(v);
    if (v instanceof Error) return { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause };
    if (v instanceof Request) return { method: v.method, url: v.url, headers: [...v.headers] };
    if (v instanceof Response) return { status: v.status, url: v.url, headers: [...v.headers] };
    if (v instanceof Headers || v instanceof URLSearchParams || v instanceof Map) return [...v];
    if (v instanceof Set) return [...v];
    if (v instanceof URL) return v.href;
    return v;
  });
  return text ?? String(value);
}
