/**
 * The shape of a JSON value: its types, keys and nesting, without its values.
 * Two backends agree on a route when their answers have the same shape.
 */
export type Shape = 'string' | 'number' | 'boolean' | 'null' | Shape[] | { [key: string]: Shape };

/**
 * The shape of `value`: an object's keys with their shapes, an array's distinct element shapes.
 *
 * @example
 * shapeOf({ items: [{ id: 'a' }, { id: 'b' }], page: 1 }); // { items: [{ id: 'string' }], page: 'number' }
 */
export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const shapes = new Map<string, Shape>();
    for (const item of value) {
      const shape = shapeOf(item);
      shapes.set(JSON.stringify(shape), shape);
    }
    return [...shapes.values()];
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return typeof value as Shape;
  throw new TypeError(`Not JSON: ${typeof value}`);
}

/** FastAPI's 422 detail without what may differ (messages, pydantic's `ctx`): where and what kind. */
export function issuesOf(body: unknown): { loc: unknown; type: unknown }[] {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (!Array.isArray(detail)) throw new TypeError(`Not a validation error: ${JSON.stringify(body)}`);
  return detail.map((issue: { loc?: unknown; msg?: unknown; type?: unknown }) => {
    if (typeof issue.msg !== 'string') throw new TypeError(`An issue without msg: ${JSON.stringify(issue)}`);
    return { loc: issue.loc, type: issue.type };
  });
}
