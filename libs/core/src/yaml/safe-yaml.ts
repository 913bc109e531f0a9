import { Document, LineCounter, isMap, parseDocument } from 'yaml';

/** A YAML mapping read safely, with what is needed to name lines in faults. */
export type SafeYaml =
  | { ok: true; value: Record<string, unknown>; doc: Document; counter: LineCounter }
  | { ok: false; problem: 'yaml' | 'not_object' | 'too_large'; detail: string };

export interface SafeYamlLimits {
  /** Largest source in bytes. */
  maxBytes: number;
  /** Deepest nesting of mappings and lists. */
  maxDepth: number;
}

/** How deep `value` nests, counted no further than just past `limit`. */
export function nestingDepth(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let deepest = depth;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, nestingDepth(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

/**
 * Parses a YAML (or JSON) text that somebody else wrote into a plain mapping: duplicate keys,
 * syntax errors, alias bombs, circular aliases, too deep or too large documents come back as a
 * problem with its line, never as an exception.
 */
export function readYaml(source: string, limits: SafeYamlLimits): SafeYaml {
  if (Buffer.byteLength(source) > limits.maxBytes) {
    return { ok: false, problem: 'too_large', detail: `more than ${limits.maxBytes} bytes` };
  }
  const counter = new LineCounter();
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true, lineCounter: counter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line;
    return { ok: false, problem: 'yaml', detail: `${e.code}${line ? ` (line ${line})` : ''}` };
  }
  if (!isMap(doc.contents)) return { ok: false, problem: 'not_object', detail: '' };
  let value: Record<string, unknown>;
  try {
    // Aliases are few in a hand-written file; many are an attempt to blow the document up.
    value = doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown>;
    JSON.stringify(value); // refuses circular aliases
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
    return { ok: false, problem: 'yaml', detail };
  }
  if (nestingDepth(value, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, problem: 'too_large', detail: `nested deeper than ${limits.maxDepth} levels` };
  }
  return { ok: true, value, doc, counter };
}
