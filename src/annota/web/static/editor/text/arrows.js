// Relations as labelled, directed arrows drawn over the text in one SVG layer.
//
// Only the two end segments of each relation are measured (getBoundingClientRect), once per
// redraw, so the cost grows with the number of relations, not of spans.

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function drawArrows(svg, box, relations, endOf) {
  svg.replaceChildren();
  if (!relations.length) return;
  const origin = box.getBoundingClientRect();
  svg.setAttribute("width", String(box.scrollWidth));
  svg.setAttribute("height", String(box.scrollHeight));
  const defs = el("defs", {});
  const marker = el("marker", {
    id: "annota-head",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "head" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const rel of relations) {
    const a = endOf(rel.from);
    const b = endOf(rel.to);
    if (!a || !b) continue;
    const ra = a.getBoundingClientRect();
    const rb = b.getBoundingClientRect();
    const x1 = ra.left - origin.left + Math.min(ra.width / 2, 12);
    const y1 = ra.top - origin.top + 2;
    const x2 = rb.left - origin.left + Math.min(rb.width / 2, 12);
    const y2 = rb.top - origin.top + 2;
    const lift = 10 + Math.min(30, Math.abs(x2 - x1) / 8);
    const top = Math.min(y1, y2) - lift;
    const d = `M ${x1} ${y1} C ${x1} ${top}, ${x2} ${top}, ${x2} ${y2}`;
    const cls = `rel${rel.selected ? " sel" : ""}`;
    const path = el("path", { d, class: cls, "data-key": rel.key });
    if (rel.directed !== false) path.setAttribute("marker-end", "url(#annota-head)");
    svg.appendChild(path);
    if (rel.label) {
      const text = el("text", { x: (x1 + x2) / 2, y: top + 6, class: "rel-label" });
      text.textContent = rel.label;
      svg.appendChild(text);
    }
  }
}
