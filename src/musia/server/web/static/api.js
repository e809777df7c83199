// The REST API and the chat socket, with the access token kept in this browser.
const API = "/api/v1";
const TOKEN_KEY = "musia.token";

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.field = body && body.field;
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

function headers(extra = {}) {
  const found = token.get();
  return found ? { ...extra, Authorization: `Bearer ${found}` } : extra;
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = { message: `${response.status} ${response.statusText}` };
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent("musia:unauthorized"));
  return new ApiError(response.status, body);
}

// JSON in, JSON out; `form` sends multipart (uploads) or urlencoded (login) bodies.
export async function api(path, { method = "GET", json, form, urlencoded } = {}) {
  const init = { method, headers: headers() };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (form) {
    init.body = form;
  } else if (urlencoded) {
    init.body = new URLSearchParams(urlencoded);
  }
  const response = await fetch(API + path, init);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

// A file the API serves behind the token, as bytes (Web Audio decodes them; the page's
// Content-Security-Policy lets fetch reach only the API, not an object URL).
export async function bytes(path) {
  const response = await fetch(API + path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.arrayBuffer();
}

// A file the API serves behind the token, as an object URL an <audio> or <img> can use.
const blobs = new Map();
export async function blobUrl(path) {
  if (blobs.has(path)) return blobs.get(path).url;
  const response = await fetch(API + path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  blobs.set(path, { url, name: filename(response) });
  return url;
}

function filename(response) {
  const header = response.headers.get("Content-Disposition") || "";
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8) return decodeURIComponent(utf8[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1] : "download";
}

// Save a file the API serves: fetched with the token, handed to the browser as a download.
export async function download(path) {
  const url = await blobUrl(path);
  const link = document.createElement("a");
  link.href = url;
  link.download = blobs.get(path).name;
  document.body.append(link);
  link.click();
  link.remove();
}

export function forgetBlobs() {
  for (const { url } of blobs.values()) URL.revokeObjectURL(url);
  blobs.clear();
}

// The chat socket: authenticates with a first frame, reconnects after a drop.
export class ChatSocket extends EventTarget {
  constructor() {
    super();
    this.socket = null;
    this.closedByUs = false;
    this.retryMs = 500;
  }

  open() {
    this.closedByUs = false;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/chat`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "auth", token: token.get() }));
      this.retryMs = 500;
      this.dispatchEvent(new CustomEvent("status", { detail: "connected" }));
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      this.dispatchEvent(new CustomEvent("event", { detail: data }));
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closedByUs || event.code === 4401) {
        this.dispatchEvent(new CustomEvent("status", { detail: "closed" }));
        return;
      }
      this.dispatchEvent(new CustomEvent("status", { detail: "reconnecting" }));
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    });
  }

  get ready() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame) {
    if (!this.ready) throw new Error("the chat is not connected yet; try again in a moment");
    this.socket.send(JSON.stringify(frame));
  }

  close() {
    this.closedByUs = true;
    if (this.socket) this.socket.close();
    this.socket = null;
  }
}
