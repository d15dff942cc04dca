/** An element of a parsed XML document (enough of XML for SVG written by a program). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
const attribute = /([\w:.-]+)\s*=\s*"([^"<]*)"/g;
const entity = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/**
 * Parses an XML document strictly enough to call it well-formed: one root element, every tag
 * closed in order, attributes quoted and not repeated, no stray `<`, `&` only in entities.
 * Throws on anything else. No comments, CDATA or processing instructions (the plot has none).
 */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const checkText = (chunk: string) => {
    if (chunk.replace(entity, '').includes('&')) throw new Error(`a bare & near ${JSON.stringify(chunk.slice(0, 40))}`);
  };
  while (at < text.length) {
    const next = text.indexOf('<', at);
    const chunk = text.slice(at, next === -1 ? text.length : next);
    checkText(chunk);
    if (stack.length > 0) stack[stack.length - 1]!.text += chunk;
    else if (chunk.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(chunk.slice(0, 40))}`);
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(text);
    if (!match) throw new Error(`a malformed tag at ${next}: ${JSON.stringify(text.slice(next, next + 60))}`);
    const [whole, closing, name, attrs, selfClosing] = match;
    at = next + whole.length;
    if (closing) {
      if (attrs || selfClosing) throw new Error(`</${name}> with attributes`);
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attrs!.matchAll(attribute)) {
      if (key! in attributes) throw new Error(`<${name}> repeats ${key}`);
      checkText(value!);
      attributes[key!] = value!;
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else if (root) throw new Error('a second root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element below `element` (itself included), depth first. */
export function descendants(element: XmlElement): XmlElement[] {
  return [element, ...element.children.flatMap(descendants)];
}
