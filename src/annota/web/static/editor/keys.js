// Keyboard: one listener, a table of bindings built from the schema, and the help overlay
// reads the same table, so every shortcut that works is listed and every listed one works.

/** The binding name of a key event, e.g. "Control+Enter", "Alt+r", "Shift+Delete", "?". */
export function comboOf(e) {
  const parts = [];
  if (e.ctrlKey || e.metaKey) parts.push("Control");
  if (e.altKey) parts.push("Alt");
  let key = e.key;
  if (e.altKey && /^(Key[A-Z]|Digit\d)$/.test(e.code)) key = e.code.slice(-1).toLowerCase();
  else if (key.length === 1) key = key.toLowerCase() === key.toUpperCase() ? key : key.toLowerCase();
  const printable = key.length === 1 && key.toLowerCase() === key.toUpperCase();
  if (e.shiftKey && !printable) parts.push("Shift");
  parts.push(key);
  return parts.join("+");
}

function inField(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=true], .rating"));
}

/** Global editor bindings; control bindings come from the registry (controls/*.js). */
export function editorBindings(ed) {
  return [
    { key: "Control+Enter", label: "Submit and go to the next item", run: () => ed.submit(), anywhere: true },
    { key: "Control+z", label: "Undo", run: () => ed.store.undo() },
    { key: "Control+Shift+z", label: "Redo", run: () => ed.store.redo() },
    { key: "Control+y", label: "Redo", run: () => ed.store.redo() },
    { key: "?", label: "Show or hide this help", run: () => ed.toggleOverlay("help") },
    { key: "Alt+s", label: "Skip this item (asks for a reason)", run: () => ed.toggleOverlay("skip") },
    { key: "Alt+g", label: "Show or hide the guidelines", run: () => ed.toggleGuidelines() },
    { key: "Alt+t", label: "Snap new spans to whole words (on/off)", run: () => ed.toggleSnap() },
    { key: "Alt+r", label: "Link the selected span to another (relation)", run: () => ed.startRelation() },
    { key: "Enter", label: "While linking: link to the selected span", run: () => ed.finishRelation(), when: () => ed.relationFrom },
    { key: "Alt+ArrowDown", label: "Select the next region", run: () => ed.cycle(1) },
    { key: "Alt+ArrowUp", label: "Select the previous region", run: () => ed.cycle(-1) },
    { key: "Delete", label: "Delete the selected region", run: () => ed.deleteSelected() },
    { key: "Backspace", label: "Delete the selected region", run: () => ed.deleteSelected(), hidden: true },
    { key: "Alt+a", label: "Accept all suggestions", run: () => ed.acceptAll() },
    { key: "Alt+x", label: "Reject all suggestions", run: () => ed.rejectAll() },
    { key: "Alt+0", label: "Focus the text (then Shift+arrows select)", run: () => ed.focusText() },
    { key: "Alt+1 … Alt+9", label: "Focus the n-th answer field (rating, number, text, taxonomy)", run: null },
    { key: "Shift+→ / Shift+←", label: "In a focused text: extend the selection (Control: by word)", run: null },
    { key: "Escape", label: "Close a dialog, cancel linking, clear the selection", run: () => ed.escape(), anywhere: true },
  ];
}

export function installKeys(ed) {
  document.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    const combo = comboOf(e);
    if (ed.overlay) {
      if (combo === "Escape") {
        ed.closeOverlay();
        e.preventDefault();
      } else if (combo === "?" && ed.overlay === "help") {
        ed.closeOverlay();
        e.preventDefault();
      }
      return;
    }
    const typing = inField(e.target);
    if (typing && combo === "Escape") {
      e.target.blur();
      e.preventDefault();
      return;
    }
    const focus = /^Alt\+([1-9])$/.exec(combo);
    if (focus) {
      ed.focusControl(Number(focus[1]) - 1);
      e.preventDefault();
      return;
    }
    for (const b of ed.bindings()) {
      if (b.key !== combo || !b.run) continue;
      if (typing && !b.anywhere) continue;
      if (b.when && !b.when()) continue;
      if (b.key === "Control+Enter" && e.repeat) {
        e.preventDefault();
        return;
      }
      e.preventDefault();
      b.run(e);
      return;
    }
  });
}
