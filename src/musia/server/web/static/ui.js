// Small DOM helpers and the job widget: progress shown only from the job's own events.
import { api } from "./api.js";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The form's (or section's) role=alert paragraph shows the API's message; the field it names
// is marked invalid and focused, so a keyboard user lands where the problem is.
export function showError(scope, error) {
  const box = scope.querySelector(":scope > .error[role=alert], .error[role=alert]");
  const message = error instanceof Error ? error.message : String(error);
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
  if (error && error.field && scope.elements) {
    const field = scope.elements.namedItem(String(error.field).split(".")[0]);
    if (field && field.setAttribute) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }
  if (!box) console.error(message);
}

export function clearError(scope) {
  for (const box of scope.querySelectorAll(".error[role=alert]")) {
    box.hidden = true;
    box.textContent = "";
  }
  for (const field of scope.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

// While a request runs, its form's buttons are disabled (and say so to assistive tech).
export async function busy(form, work) {
  const buttons = [...form.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

// A form's submit: clear its old error, run `work` with the form busy, show what went wrong.
export function onSubmit(form, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(form);
    try {
      await busy(form, work);
    } catch (error) {
      showError(form, error);
    }
  });
}

const FINISHED = new Set(["COMPLETED", "FAILED", "CANCELED"]);
const listeners = new Map(); // job id -> callbacks for the socket's events

export function jobEvent(event) {
  const callbacks = listeners.get(event.job_id);
  if (callbacks) callbacks.forEach((callback) => callback(event));
}

export function onJob(jobId, callback) {
  if (!listeners.has(jobId)) listeners.set(jobId, new Set());
  listeners.get(jobId).add(callback);
  return () => listeners.get(jobId)?.delete(callback);
}

export function jobWidget(container) {
  container.replaceChildren();
  const bar = el("progress", { max: "1", value: "0", "aria-label": "Job progress" });
  const text = el("span", { class: "job-text", role: "status", "aria-live": "polite" });
  container.append(bar, text);
  container.hidden = false;
  return {
    update(fraction, message) {
      if (typeof fraction === "number") bar.value = Math.max(bar.value, fraction);
      if (message) text.textContent = message;
    },
  };
}

// Follow a job to its end: progress from the socket's events for it, and a long poll of its
// row, which is also where the final status comes from. Resolves with the finished job,
// rejects with the job's error when it failed.
export async function followJob(job, container) {
  const widget = container ? jobWidget(container) : { update() {} };
  widget.update(job.progress, job.message || "queued");
  const stop = onJob(job.id, (event) => {
    if (event.type === "progress") widget.update(event.fraction, event.text);
  });
  try {
    let current = job;
    while (!FINISHED.has(current.status)) {
      current = await api(`/jobs/${job.id}?wait=20`);
      widget.update(current.progress, current.message);
    }
    if (current.status !== "COMPLETED") {
      throw new Error(current.error || `the job ended ${current.status.toLowerCase()}`);
    }
    widget.update(1, "done");
    return current;
  } finally {
    stop();
  }
}

export function seconds(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  const minutes = Math.floor(value / 60);
  const rest = (value - minutes * 60).toFixed(1).padStart(4, "0");
  return `${minutes}:${rest}`;
}

export function definitionList(pairs) {
  return el("dl", { class: "facts" }, pairs.flatMap(([term, value]) => [
    el("dt", { text: term }),
    el("dd", { text: value === null || value === undefined || value === "" ? "–" : String(value) }),
  ]));
}

// Rename and delete for a thing the API owns at `path` (PATCH {name}, DELETE): inline, no
// dialogs. Rename opens a field with the current name; delete asks once more in place.
export function manageButtons({ path, name, label, onRenamed, onDeleted }) {
  const box = el("span", { class: "manage" });
  const status = el("span", { class: "error", role: "alert", hidden: true });
  const fail = (error) => { status.textContent = error.message; status.hidden = false; };
  const idle = () => box.replaceChildren(
    el("button", { type: "button", class: "quiet small", "aria-label": `Rename ${label}`, onclick: renaming }, "Rename"),
    el("button", { type: "button", class: "quiet small danger", "aria-label": `Delete ${label}`, onclick: deleting }, "Delete"),
    status);
  function renaming() {
    const field = el("input", { value: name, "aria-label": `New name for ${label}`, class: "rename-field", maxlength: "120" });
    const form = el("form", { class: "rename", novalidate: true }, field,
      el("button", { type: "submit", class: "small" }, "Save"),
      el("button", { type: "button", class: "quiet small", onclick: idle }, "Cancel"), status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.hidden = true;
      try {
        const renamed = await api(path, { method: "PATCH", json: { name: field.value } });
        name = renamed.name;
        idle();
        await onRenamed(renamed);
      } catch (error) {
        fail(error);
      }
    });
    box.replaceChildren(form);
    field.focus();
    field.select();
  }
  function deleting() {
    box.replaceChildren(
      el("span", { text: `Delete “${name}” and its files? ` }),
      el("button", { type: "button", class: "small danger", onclick: async () => {
        status.hidden = true;
        try {
          await api(path, { method: "DELETE" });
          await onDeleted();
        } catch (error) {
          fail(error);
        }
      } }, "Yes, delete"),
      el("button", { type: "button", class: "quiet small", onclick: idle }, "Cancel"), status);
  }
  idle();
  return box;
}
