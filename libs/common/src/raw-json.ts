/**
 * A value already serialised as JSON text: a node's search results, say, which the api
 * passes on to the client as they came instead of parsing them and printing them again.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** `value` printed as JSON (`null` where JSON.stringify prints nothing, as it does inside a list). */
  static of(value: unknown): RawJson {
    return new RawJson(JSON.stringify(value) ?? 'null');
  }
}

/**
 * JSON.stringify for values that may hold RawJson inside arrays and plain objects: each
 * RawJson is written as its text, everything else as JSON.stringify writes it.
 */
export function stringifyWithRaw(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
  if (!isPlainObject(value)) return JSON.stringify(value);
  const fields: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const text = write(v);
    if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
