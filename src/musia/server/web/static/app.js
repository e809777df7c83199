// The studio's shell: sign-in, the views behind #hash routes, the chat over the socket.
import { ApiError, ChatSocket, api, forgetBlobs, token } from "./api.js";
import { showProject, showProjects } from "./projects.js";
import { setupAudio, setupSamples, setupSets, showAudio, showSamples } from "./media.js";
import { clearError, el, jobEvent, jobWidget, onSubmit, showError } from "./ui.js";

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

const jobRows = new Map(); // job id -> its progress widget in the log

function say(role, text, extra = []) {
  const item = el("li", { class: `msg ${role}` },
    el("span", { class: "sr", text: role === "user" ? "You: " : "Musia: " }),
    el("p", { text }), extra);
  $("#chat-log").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

// The conversation so far (the socket only brings what happens from now on).
async function loadHistory() {
  $("#chat-log").replaceChildren();
  try {
    const messages = await api("/chat/history?limit=50");
    for (const message of messages) {
      const item = say(message.role === "user" ? "user" : "assistant", message.content);
      if (message.project_id) {
        state.projectId = message.project_id;
        if (message.role !== "user") {
          item.append(el("p", {}, el("a", { href: `#project/${message.project_id}` }, "Project")));
        }
      }
    }
  } catch (error) {
    showError($("#chat-form"), error);
  }
}

function onSocketEvent(event) {
  const data = event.detail;
  jobEvent(data);
  if (data.type === "message" && data.role === "assistant") {
    const item = say("assistant", data.text);
    if (data.project_id) state.projectId = data.project_id;
    if (data.job_id) {
      const box = el("div", { class: "job", "data-job": data.job_id });
      item.append(box);
      const widget = jobWidget(box);
      widget.update(0, "queued");
      jobRows.set(data.job_id, { widget, item });
    }
  } else if (data.type === "progress") {
    jobRows.get(data.job_id)?.widget.update(data.fraction, data.text);
  } else if (data.type === "result") {
    const row = jobRows.get(data.job_id);
    if (!row) return;
    row.widget.update(1, data.text || "done");
    if (data.project_id) {
      row.item.append(el("p", {},
        el("a", { href: `#project/${data.project_id}`, class: "button" }, "Open the project")));
    }
  } else if (data.type === "error") {
    const row = data.job_id ? jobRows.get(data.job_id) : null;
    if (row) row.item.append(el("p", { class: "error", role: "alert", text: data.message }));
    else showError($("#chat-form"), new Error(data.message));
  }
}

function setupChat() {
  socket.addEventListener("event", onSocketEvent);
  socket.addEventListener("status", (event) => {
    const words = { connected: "Connected: progress arrives live.", reconnecting: "Reconnecting…", closed: "Not connected." };
    $("#socket-status").textContent = words[event.detail] || event.detail;
  });
  const form = $("#chat-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(form);
    const text = form.text.value.trim();
    if (!text) {
      showError(form, Object.assign(new Error("Type a message first."), { field: "text" }));
      return;
    }
    try {
      const frame = { type: "message", text, audio: $("#chat-audio").checked };
      if (state.projectId) frame.project_id = state.projectId;
      socket.send(frame);
      say("user", text);
      form.text.value = "";
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
