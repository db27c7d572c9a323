// Control and field types the editor knows, each in its own module.
//
// A control module registers {panel, keys?, describe?}; a field module registers a view.
// Adding image, audio or video tools later (issue 5) is a new module that calls
// registerControl / registerField and is imported by controls/index.js: nothing else in
// the editor switches on control types.

const controls = new Map();
const fields = new Map();

/**
 * @param {string} type  the schema's control `type`
 * @param {{panel?: Function, keys?: Function, textSpans?: boolean}} def
 *   panel({ctl, ed}) renders the control in the side panel; keys(ctl, ed, alloc) returns
 *   key bindings [{key, label, run}]; textSpans marks controls drawn inside text fields.
 */
export function registerControl(type, def) {
  controls.set(type, def);
}

export function controlDef(type) {
  return controls.get(type);
}

/** @param {string} type  the schema's field `type`; view({field, value, ed}) */
export function registerField(type, view) {
  fields.set(type, view);
}

export function fieldView(type) {
  return fields.get(type);
}
