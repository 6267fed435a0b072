/**
 * A small parser for the nats.conf subset our chart writes (blocks, arrays, `key: value`, quoted
 * and bare strings, numbers, `$VARIABLE` references kept as `{ variable }`), and NATS subject
 * matching, so tests can check what the server would read and what a user may do.
 */
export type ConfValue = string | number | boolean | { readonly variable: string } | ConfValue[] | { [key: string]: ConfValue };

export function parseNatsConf(text: string): Record<string, ConfValue> {
  const tokens: string[] = [];
  const re = /\s+|#[^\n]*|\/\/[^\n]*|"(?:[^"\\]|\\.)*"|[{}[\]:=,]|[^\s{}[\]:=,"#]+/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith("#") || t.startsWith("//")) continue;
    tokens.push(t);
  }
  if (re.lastIndex < text.length) throw new Error(`cannot tokenize nats.conf at ${re.lastIndex}`);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new Error("unexpected end of nats.conf");
    return t;
  };
  const scalar = (t: string): ConfValue => {
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (t.startsWith("$")) return { variable: t.slice(1) };
    if (/^-?\d+$/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    return t;
  };
  const value = (): ConfValue => {
    const t = next();
    if (t === "{") return block("}");
    if (t === "[") {
      const items: ConfValue[] = [];
      while (peek() !== "]") {
        items.push(value());
        if (peek() === ",") next();
      }
      next();
      return items;
    }
    return scalar(t);
  };
  const block = (end: string | undefined): Record<string, ConfValue> => {
    const out: Record<string, ConfValue> = {};
    while (i < tokens.length && peek() !== end) {
      const key = next();
      if (peek() === ":" || peek() === "=") next();
      out[key.startsWith('"') ? (JSON.parse(key) as string) : key] = value();
      if (peek() === ",") next();
    }
    if (end) next();
    return out;
  };
  return block(undefined);
}

/** True when NATS subject `subject` matches pattern `pattern` (`*` one token, `>` one or more trailing tokens). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let k = 0; k < p.length; k++) {
    if (p[k] === ">") return s.length > k;
    if (k >= s.length) return false;
    if (p[k] !== "*" && p[k] !== s[k]) return false;
  }
  return p.length === s.length;
}

/** NATS permission semantics: allowed when some allow entry matches (or there is no allow list) and no deny entry does. */
export function permitted(rules: { allow?: string[]; deny?: string[] } | undefined, subject: string): boolean {
  if (!rules) return true;
  const allowed = rules.allow === undefined || rules.allow.some((p) => subjectMatches(p.split(" ")[0]!, subject));
  return allowed && !(rules.deny ?? []).some((p) => subjectMatches(p, subject));
}
