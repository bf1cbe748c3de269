// Small DOM helpers: elements are built with textContent only, never from HTML strings of data.

/**
 * Create an element: el("a", {href: "/x", class: "link"}, "text", otherNode).
 * Attributes with value null, undefined or false are left out; true gives an empty attribute.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** Call fn at most once per `ms`, with the last arguments (for typing in the search field). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** True on narrow (phone) screens, where map and list are stacked. */
export function isNarrow() {
  return window.matchMedia("(max-width: 760px)").matches;
}

/** Let the browser handle input and paint before going on: long start-up work is cut into tasks this
 *  way, so no single task blocks the page for long on a slow phone. */
export function nextTask() {
  return new Promise((resolve) => { setTimeout(resolve, 0); });
}
