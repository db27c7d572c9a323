// One CSS class per label, with its colour, in a constructed style sheet.
//
// The CSP forbids inline styles in markup; a constructed sheet is set through the CSSOM,
// which the CSP allows. Colours come from the schema (any CSS colour) or a palette;
// the CSSOM ignores an invalid value, so a hostile "colour" cannot inject rules.

const PALETTE = [
  "#f6c343", "#7cc5f4", "#9be29b", "#f49ac1", "#c3a6f7",
  "#f7a76c", "#6fd6c9", "#e5e36b", "#b0c4de", "#f28b82",
];

export function labelClasses(schema) {
  const classes = new Map();
  const sheet = new CSSStyleSheet();
  let n = 0;
  schema.controls.forEach((c, ci) => {
    (c.labels || c.options || []).forEach((l, li) => {
      const cls = `lbl-${ci}-${li}`;
      classes.set(`${c.name}\0${l.value}`, cls);
      const index = sheet.insertRule(`.${cls} {}`, sheet.cssRules.length);
      const rule = sheet.cssRules[index];
      rule.style.setProperty("--lbl", PALETTE[n % PALETTE.length]);
      if (l.color && CSS.supports("color", l.color)) rule.style.setProperty("--lbl", l.color);
      n++;
    });
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return classes;
}
