// Small DOM helpers. Text always goes in through textContent, never as HTML, so values
// from findings cannot inject markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  return node;
}

// Creates an HTML element: el('a', {href: '#/x', class: 'y'}, 'text', child).
export function el(tag, attributes, ...children) {
  return append(setAttributes(document.createElement(tag), attributes), children);
}

// Creates an SVG element the same way.
export function svg(tag, attributes, ...children) {
  return append(setAttributes(document.createElementNS(SVG_NS, tag), attributes), children);
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

// Formats an RFC 3339 time as "2026-01-31 12:00:00 UTC"; returns other values unchanged.
export function formatTime(text) {
  if (!text) {
    return '';
  }
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    return String(text);
  }
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

// Returns a value at a dotted path such as "Severity.Label", or undefined.
export function pick(object, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), object);
}

export function table(headers, rows, attributes) {
  return el('table', attributes,
    el('thead', {}, el('tr', {}, headers.map((header) =>
      header instanceof Node ? header : el('th', { scope: 'col' }, header)))),
    el('tbody', {}, rows));
}
