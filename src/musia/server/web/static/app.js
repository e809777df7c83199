// The studio's shell: sign-in, the views behind #hash routes, the chat over the socket.
import { ApiError, ChatSocket, api, download, forgetBlobs, token } from "./api.js";
import { showProject, showProjects } from "./projects.js";
import { setupAudio, setupSets, showAudio } from "./media.js";
import { setupSamples, showSamples } from "./samples.js";
import { clearError, el, jobEvent, jobWidget, onSubmit, showError } from "./ui.js";
import { PreviewPlayer, firstSound, wholePreview } from "./player.js";

const $ = (selector) => document.querySelector(selector);
const socket = new ChatSocket();
const state = { me: null, projectId: null };
const VIEWS = ["auth", "chat", "projects", "project", "sets", "audio", "samples"];

function show(name) {
  for (const view of VIEWS) $(`#view-${view}`).hidden = view !== name;
  for (const link of document.querySelectorAll("#nav a")) {
    const current = link.getAttribute("href") === `#${name}`;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const heading = $(`#view-${name} h2`);
  if (heading) document.title = `${heading.textContent} · Musia studio`;
}

async function route() {
  $("#global-error").hidden = true;
  if (!state.me) {
    show("auth");
    return;
  }
  const [name, id] = (location.hash.slice(1) || "chat").split("/");
  try {
    if (name === "projects") {
      show("projects");
      await showProjects($("#view-projects"));
    } else if (name === "project" && id) {
      show("project");
      state.projectId = id;
      await showProject($("#view-project"), id);
    } else if (name === "sets") {
      show("sets");
    } else if (name === "audio") {
      show("audio");
      await showAudio($("#view-audio"));
    } else if (name === "samples") {
      show("samples");
      await showSamples($("#view-samples"));
    } else {
      show("chat");
      $("#chat-text").focus();
      scrollToNewest(); // the history opens at the newest message
      if (state.projectId) setProject(state.projectId);
    }
  } catch (error) {
    const box = $("#global-error");
    box.textContent = error.message;
    box.hidden = false;
  }
}

async function signedIn() {
  try {
    state.me = await api("/auth/me");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    token.clear();
    state.me = null;
  }
  const inside = state.me !== null;
  $("#nav").hidden = !inside;
  $("#who").hidden = !inside;
  $("#admin-link").hidden = !(inside && state.me.is_admin);
  if (inside) {
    $("#who-name").textContent = state.me.username;
    socket.open();
    await loadHistory();
  }
  await route();
}

async function logIn(username, password) {
  const answer = await api("/auth/login", { method: "POST", urlencoded: { username, password } });
  token.set(answer.access_token);
  await signedIn();
}

function setupAuth() {
  const signIn = $("#sign-in");
  onSubmit(signIn, async () => {
    await logIn(signIn.username.value, signIn.password.value);
    if (!location.hash || location.hash === "#auth") location.hash = "#chat";
  });
  const signUp = $("#sign-up");
  onSubmit(signUp, async () => {
    const body = { username: signUp.username.value.trim(), password: signUp.password.value };
    if (signUp.email.value.trim()) body.email = signUp.email.value.trim();
    await api("/auth/register", { method: "POST", json: body });
    await logIn(body.username, body.password);
    location.hash = "#chat";
  });
  $("#sign-out").addEventListener("click", () => {
    token.clear();
    socket.close();
    forgetBlobs();
    state.me = null;
    $("#nav").hidden = true;
    $("#who").hidden = true;
    $("#chat-log").replaceChildren();
    location.hash = "";
    route();
  });
  window.addEventListener("musia:unauthorized", () => {
    if (state.me) $("#sign-out").click();
  });
}

// ---- chat -------------------------------------------------------------------------------

const jobRows = new Map(); // job id -> { widget, item, changes, player } for its message in the log
let following = true; // the view follows the newest message
history.scrollRestoration = "manual"; // a reload opens at the newest message, not where it was
const MAX_MESSAGE_CHARS = 4000; // the server's limit (musia.core.plan_builder.MAX_PROMPT_CHARS)

// The newest message sits clear of the composer, which sticks to the bottom of the window:
// the page scrolls until the message's bottom edge is just above the composer's top.
function scrollToNewest() {
  const last = $("#chat-log").lastElementChild;
  if (!last || $("#view-chat").hidden) return;
  const composer = $("#chat-form").offsetHeight;
  const bottom = last.getBoundingClientRect().bottom + window.scrollY;
  window.scrollTo({ top: Math.max(0, bottom - (window.innerHeight - composer - 12)) });
}

// An edit's reply ends with its changes; the result card shows them, so the text does not.
function withoutChanges(text, changes) {
  if (!changes) return text;
  return text.split("\n").filter((line) => !line.endsWith(changes)).join("\n");
}

function say(role, text, extra = []) {
  const item = el("li", { class: `msg ${role}` },
    el("span", { class: "sr", text: role === "user" ? "You: " : "Musia: " }),
    el("p", { text }), extra);
  $("#chat-log").append(item);
  scrollToNewest();
  return item;
}

// The chat header names the project the next edit goes to.
async function setProject(projectId, name = null) {
  state.projectId = projectId;
  const line = $("#chat-project");
  if (!projectId) {
    line.hidden = true;
    return;
  }
  let shown = name;
  let version = "";
  if (!shown) {
    try {
      const project = await api(`/projects/${projectId}`);
      shown = project.name;
      version = ` · v${project.current_version}`;
    } catch {
      line.hidden = true;
      return;
    }
  }
  line.replaceChildren("Editing ", el("a", { href: `#project/${projectId}`, id: "chat-project-name" }, shown), version);
  line.hidden = false;
}

const FORMAT_NAMES = { als: "Live set (.als)", zip: "Project (.zip)", mid: "MIDI (.mid)", wav: "Preview (.wav)" };

// What a finished job leaves in the log: its changes, a player for the preview (the one that
// already plays its first bars, if any), a button per file that exists, and the way to the
// project page.
async function resultCard(item, { projectId, version, formats, changes, player = null }) {
  const status = el("p", { class: "error", role: "alert", hidden: true });
  const card = el("div", { class: "result-card" });
  if (changes) card.append(el("p", { class: "changes" }, el("span", { class: "sr", text: "Changes: " }), changes));
  const query = `version=${version}`;
  if (formats.includes("wav")) {
    const shown = player || new PreviewPlayer({ label: `Preview of version ${version}` });
    card.append(shown.element); // moved in one step: a head that plays keeps playing
    wholePreview(shown, projectId, version)
      .catch((error) => { status.textContent = error.message; status.hidden = false; });
  }
  card.append(el("div", { class: "row wrap downloads" },
    formats.map((format) => el("button", {
      type: "button", class: "quiet", "data-format": format,
      onclick: async () => {
        status.hidden = true;
        try {
          await download(`/projects/${projectId}/download?format=${format}&${query}`);
        } catch (error) {
          status.textContent = error.message;
          status.hidden = false;
        }
      },
    }, FORMAT_NAMES[format] || format)),
    el("a", { href: `#project/${projectId}`, class: "button" }, "Open the project")));
  card.append(status);
  item.append(card);
  scrollToNewest();
}

// The conversation so far (the socket only brings what happens from now on); the newest job's
// result card is rebuilt from its job.
async function loadHistory() {
  $("#chat-log").replaceChildren();
  try {
    const messages = await api("/chat/history?limit=50");
    let newest = null;
    for (const message of messages) {
      const changes = message.data && message.data.changes;
      const item = say(message.role === "user" ? "user" : "assistant", withoutChanges(message.content, changes));
      if (message.project_id) {
        state.projectId = message.project_id;
        if (message.role !== "user" && message.job_id) newest = { item, message };
        else if (message.role !== "user") {
          item.append(el("p", {}, el("a", { href: `#project/${message.project_id}` }, "Project")));
        }
      }
    }
    if (newest) await rebuildCard(newest.item, newest.message);
    await setProject(state.projectId);
  } catch (error) {
    showError($("#chat-form"), error);
  }
}

async function rebuildCard(item, message) {
  const job = await api(`/jobs/${message.job_id}`);
  const changes = message.data && message.data.changes;
  if (job.status === "COMPLETED" && job.result && job.result.formats) {
    const formats = ["als", "zip", "mid", "wav"].filter((f) => job.result.formats.includes(f));
    await resultCard(item, { projectId: job.result.project_id, version: job.result.version, formats, changes });
  } else if (!["FAILED", "CANCELED"].includes(job.status)) {
    const box = el("div", { class: "job", "data-job": job.id });
    item.append(box);
    const widget = jobWidget(box);
    widget.update(job.progress, job.message || "queued");
    jobRows.set(job.id, { widget, item, changes });
  }
}

function onSocketEvent(event) {
  const data = event.detail;
  jobEvent(data);
  if (data.type === "message" && data.role === "assistant") {
    const item = say("assistant", withoutChanges(data.text, data.changes));
    if (data.project_id) setProject(data.project_id, data.project_name);
    if (data.job_id) {
      const box = el("div", { class: "job", "data-job": data.job_id });
      item.append(box);
      const widget = jobWidget(box);
      widget.update(0, "queued");
      jobRows.set(data.job_id, { widget, item, changes: data.changes });
    }
  } else if (data.type === "preview") {
    const row = jobRows.get(data.job_id);
    if (!row) return;
    if (!row.player) {
      row.player = new PreviewPlayer({ label: `Preview of version ${data.version}` });
      row.item.append(row.player.element);
      scrollToNewest();
    }
    row.player.playHead(data.url, data.job_id);
  } else if (data.type === "progress") {
    jobRows.get(data.job_id)?.widget.update(data.fraction, data.text);
  } else if (data.type === "result") {
    const row = jobRows.get(data.job_id);
    if (!row) return;
    row.widget.update(1, data.text || "done");
    if (data.project_id) {
      resultCard(row.item, { projectId: data.project_id, version: data.version,
        formats: data.formats || [], changes: row.changes, player: row.player });
    }
  } else if (data.type === "error") {
    const row = data.job_id ? jobRows.get(data.job_id) : null;
    if (row) row.item.append(el("p", { class: "error", role: "alert", text: data.message }));
    else showError($("#chat-form"), new Error(data.message));
    scrollToNewest();
  }
}

// A message over the limit is refused here with the reason (never cut): the counter shows
// how far over it is.
function checkLength(form) {
  const length = form.text.value.length;
  const note = $("#chat-count");
  note.hidden = length <= MAX_MESSAGE_CHARS * 0.9;
  note.textContent = length > MAX_MESSAGE_CHARS
    ? `${length} / ${MAX_MESSAGE_CHARS} characters: ${length - MAX_MESSAGE_CHARS} too many to send; shorten it.`
    : `${length} / ${MAX_MESSAGE_CHARS} characters`;
  note.classList.toggle("over", length > MAX_MESSAGE_CHARS);
  return length <= MAX_MESSAGE_CHARS;
}

function setupChat() {
  socket.addEventListener("event", onSocketEvent);
  socket.addEventListener("status", (event) => {
    const words = { connected: "Connected: progress arrives live.", reconnecting: "Reconnecting…", closed: "Not connected." };
    $("#socket-status").textContent = words[event.detail] || event.detail;
  });
  const form = $("#chat-form");
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--composer", `${form.offsetHeight}px`);
    if (following) scrollToNewest();
  }).observe(form);
  // While the reader is at the newest message, anything that grows the log later (a card, a
  // player, the header's project line) keeps the newest message in view; scrolling up to read
  // older messages stops that until they come back down.
  new ResizeObserver(() => { if (following) scrollToNewest(); }).observe($("#chat-log"));
  window.addEventListener("scroll", () => {
    const rest = document.documentElement.scrollHeight - window.scrollY - window.innerHeight;
    following = rest < 120;
  }, { passive: true });
  form.text.addEventListener("input", () => checkLength(form));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(form);
    const text = form.text.value.trim();
    if (!text) {
      showError(form, Object.assign(new Error("Type a message first."), { field: "text" }));
      return;
    }
    if (!checkLength(form)) {
      const error = new Error(`The message is ${form.text.value.length} characters; the limit is ${MAX_MESSAGE_CHARS}. Nothing was sent.`);
      showError(form, Object.assign(error, { field: "text" }));
      return;
    }
    try {
      const frame = { type: "message", text, audio: $("#chat-audio").checked };
      if (state.projectId) frame.project_id = state.projectId;
      socket.send(frame);
      firstSound.sentAt = performance.now();
      say("user", text);
      form.text.value = "";
      checkLength(form);
    } catch (error) {
      showError(form, error);
    }
  });
  form.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

setupAuth();
setupChat();
setupSets($("#view-sets"));
setupAudio($("#view-audio"));
setupSamples($("#view-samples"));
window.addEventListener("hashchange", route);
signedIn();
