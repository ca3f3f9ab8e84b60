/**
 * Builds DOM elements from the SVG markup the shared renderer produces. Chromium parses `innerHTML`
 * on SVG about ten times slower than building the same elements with `createElementNS`, and the
 * markup is our own (well-formed, attributes double-quoted and escaped), so a small tokenizer is
 * enough: it never sees user input that was not escaped by the renderer.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
const TOKEN = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([\w:-]+)="([^"]*)"/g;
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function unescape(text: string): string {
  return text.includes('&') ? text.replace(ENTITY, (_, name: string) => ENTITIES[name]) : text;
}

/** Appends the elements described by `markup` to `parent` (all in the SVG namespace). */
export function appendMarkup(parent: Element, markup: string): void {
  const stack: Element[] = [parent];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(markup); match !== null; match = TOKEN.exec(markup)) {
    const [, closing, tag, attributes, selfClosing, text] = match;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      if (text.trim() !== '' || top.localName === 'text' || top.localName === 'title') top.appendChild(document.createTextNode(unescape(text)));
      continue;
    }
    if (closing) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const element = document.createElementNS(SVG_NS, tag);
    ATTRIBUTE.lastIndex = 0;
    for (let attribute = ATTRIBUTE.exec(attributes); attribute !== null; attribute = ATTRIBUTE.exec(attributes)) {
      element.setAttribute(attribute[1], unescape(attribute[2]));
    }
    top.appendChild(element);
    if (!selfClosing) stack.push(element);
  }
}

/** The first element described by `markup`. */
export function elementFromMarkup(markup: string): SVGGElement | null {
  const holder = document.createElementNS(SVG_NS, 'g');
  appendMarkup(holder, markup);
  return holder.firstElementChild as SVGGElement | null;
}
