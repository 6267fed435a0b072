/**
 * A small strict XML parser for tests: enough of XML 1.0 to prove well-formedness of generated
 * SVG (one root, balanced and properly nested tags, quoted unique attributes, known entities) and
 * to walk the resulting tree. Throws on the first violation.
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: (XmlElement | string)[];
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  return text.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(";")) throw new Error(`bare '&' at ${where}`);
    if (body.startsWith("#x")) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(parseInt(body.slice(1), 10));
    const e = ENTITIES[body];
    if (e === undefined) throw new Error(`unknown entity &${body}; at ${where}`);
    return e;
  });
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  while (i < xml.length) {
    if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i);
      if (end < 0) fail("unterminated processing instruction");
      i = end + 2;
    } else if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end < 0) fail("unterminated comment");
      i = end + 3;
    } else if (xml.startsWith("<!DOCTYPE", i)) {
      if (root || stack.length) fail("DOCTYPE after the root element");
      const end = xml.indexOf(">", i);
      if (end < 0) fail("unterminated DOCTYPE");
      i = end + 1;
    } else if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i);
      if (end < 0 || !stack.length) fail("CDATA outside an element or unterminated");
      stack.at(-1)!.children.push(xml.slice(i + 9, end));
      i = end + 3;
    } else if (xml.startsWith("</", i)) {
      const m = NAME.exec(xml.slice(i + 2));
      if (!m) fail("bad closing tag");
      const open = stack.pop();
      if (!open || open.name !== m![0]) fail(`closing </${m![0]}> does not match <${open?.name ?? "nothing"}>`);
      i += 2 + m![0].length;
      while (/\s/.test(xml[i] ?? "")) i++;
      if (xml[i] !== ">") fail("expected '>'");
      i++;
    } else if (xml[i] === "<") {
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) fail("bad tag name");
      if (!stack.length && root) fail("second root element");
      i += 1 + m![0].length;
      const attrs: Record<string, string> = {};
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(i))![0].length;
        i += ws;
        if (xml.startsWith("/>", i) || xml[i] === ">") break;
        if (!ws) fail("attributes must be separated by whitespace");
        const a = NAME.exec(xml.slice(i));
        if (!a) fail("bad attribute name");
        i += a![0].length;
        const eq = /^\s*=\s*/.exec(xml.slice(i));
        if (!eq) fail(`attribute ${a![0]} has no value`);
        i += eq![0].length;
        const q = xml[i];
        if (q !== '"' && q !== "'") fail(`attribute ${a![0]} value not quoted`);
        const end = xml.indexOf(q!, i + 1);
        if (end < 0) fail("unterminated attribute value");
        const raw = xml.slice(i + 1, end);
        if (raw.includes("<")) fail("'<' in attribute value");
        if (a![0] in attrs) fail(`duplicate attribute ${a![0]}`);
        attrs[a![0]] = decode(raw, i);
        i = end + 1;
      }
      const el: XmlElement = { name: m![0], attrs, children: [] };
      if (stack.length) stack.at(-1)!.children.push(el);
      else root = el;
      if (xml.startsWith("/>", i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = xml.indexOf("<", i);
      const text = xml.slice(i, end < 0 ? xml.length : end);
      if (!stack.length) {
        if (text.trim()) fail("text outside the root element");
      } else {
        if (text.includes(">") && text.includes("]]>")) fail("']]>' in text");
        stack.at(-1)!.children.push(decode(text, i));
      }
      i = end < 0 ? xml.length : end;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error("no root element");
  return root;
}

/** Every element below (and including) `el`, depth first. */
export function elements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap((c) => (typeof c === "string" ? [] : elements(c)))];
}

/** Concatenated text of an element's descendants, one entry per text element. */
export function texts(el: XmlElement): string[] {
  return elements(el)
    .filter((e) => e.name === "text")
    .map((e) => e.children.filter((c): c is string => typeof c === "string").join(""));
}
