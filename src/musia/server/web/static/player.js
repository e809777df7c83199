// The preview player: it plays a render's first bars as soon as the job publishes them, moves
// to the whole preview at the same moment of the song when that is ready, and shows the
// preview's waveform, which seeks where it is clicked (or with the arrow keys).
import { api, blobUrl } from "./api.js";
import { el } from "./ui.js";

const STEP_S = 5; // what an arrow key moves on the waveform

// What the studio measured of its first sounds, for the browser tests and bench/first_sound.py:
// when the last message was sent, when each job's audio started to play (performance.now()),
// whether that was before its whole preview came (`early`), and where the player was in the
// song when it moved to the whole preview (`switched`: from the head's time to the whole's).
export const firstSound = { sentAt: null, playing: {}, early: {}, switched: {} };
window.musiaFirstSound = firstSound;

export class PreviewPlayer {
  constructor({ label, id = null, className = "chat-player" }) {
    this.label = label;
    this.className = className;
    this.id = id;
    this.audio = this.makeAudio();
    this.ranOut = false; // the head ended before the whole preview came
    this.complete = false;
    this.note = el("p", { class: "note player-note", role: "status" });
    this.head = el("div", { class: "wave-head", "aria-hidden": "true" });
    this.picture = el("img", { alt: "", class: "wave-picture", hidden: true });
    this.wave = el("div", {
      class: "wave", role: "slider", tabindex: "0", hidden: true,
      "aria-label": `${label}: waveform, click to play from there`,
      "aria-valuemin": "0", "aria-valuenow": "0",
      onclick: (event) => this.seekAt(event), onkeydown: (event) => this.key(event),
    }, this.picture, this.head);
    this.element = el("figure", { class: "preview-player" }, this.audio, this.wave, this.note);
    this.tick = () => this.showPosition();
  }

  makeAudio() {
    const audio = el("audio", { controls: true, preload: "auto", class: this.className,
      id: this.id, "aria-label": this.label });
    audio.addEventListener("timeupdate", () => this.showPosition());
    // one preview at a time: a player that starts stops the others on the page
    audio.addEventListener("play", () => {
      for (const other of document.querySelectorAll("audio")) if (other !== audio) other.pause();
    });
    audio.addEventListener("ended", () => {
      if (!this.complete) {
        this.ranOut = true;
        this.note.textContent = "The rest of the song is still rendering: it plays on from here when it is ready.";
      }
    });
    return audio;
  }

  // The first bars of a render: played at once (the user has just asked for them); a longer
  // head takes over from the same moment of the song.
  playHead(url, jobId) {
    if (this.complete) return;
    this.jobId = jobId;
    if (this.audio.src) {
      this.moving = this.moveTo(url, "head");
      return;
    }
    this.audio.dataset.part = "head";
    this.audio.src = url;
    this.audio.addEventListener("playing", () => {
      if (jobId in firstSound.playing) return;
      firstSound.playing[jobId] = performance.now();
      firstSound.early[jobId] = !this.complete;
    }, { once: true });
    this.note.textContent = "Playing the first bars while the rest renders.";
    this.audio.play().catch(() => { this.note.textContent = "The first bars are ready: press play."; });
  }

  // The whole preview: from the same moment of the song as the head, playing if it played.
  async useWhole(url, durationS) {
    this.complete = true;
    if (this.moving) await this.moving.catch(() => {});
    const old = this.audio;
    if (!old.src) {
      old.src = url;
      old.dataset.part = "whole";
      this.note.textContent = "";
      return;
    }
    const moved = await this.moveTo(url, "whole", durationS);
    if (this.jobId) firstSound.switched[this.jobId] = moved;
    this.note.textContent = "";
  }

  // A new source for the same song, taken up where the old one is, playing if it played (or
  // if it ran out while this one was on its way).
  async moveTo(url, part, durationS = null) {
    const old = this.audio;
    const playing = (!old.paused && !old.ended) || this.ranOut;
    const next = this.makeAudio();
    next.dataset.part = part;
    next.src = url;
    await once(next, "loadedmetadata");
    const end = durationS || next.duration || old.currentTime;
    next.currentTime = Math.min(old.currentTime, end);
    await buffered(next); // near where the old one is: the move is then quick
    const from = old.currentTime;
    next.currentTime = Math.min(from, end);
    old.pause();
    if (playing) await next.play().catch(() => {});
    old.replaceWith(next);
    old.removeAttribute("src");
    this.audio = next;
    this.ranOut = false;
    this.showPosition();
    return { from, to: next.currentTime, playing };
  }

  async showWaveform(path) {
    this.picture.src = await blobUrl(path);
    this.picture.hidden = false;
    this.wave.hidden = false;
    this.showPosition();
  }

  duration() {
    const value = this.audio.duration;
    return Number.isFinite(value) && value > 0 ? value : 0;
  }

  showPosition() {
    const total = this.duration();
    const at = this.audio.currentTime || 0;
    this.head.style.left = total ? `${Math.min(100, (100 * at) / total)}%` : "0";
    this.wave.setAttribute("aria-valuemax", String(Math.round(total)));
    this.wave.setAttribute("aria-valuenow", String(Math.round(at)));
    this.wave.setAttribute("aria-valuetext", `${Math.floor(at / 60)}:${String(Math.floor(at % 60)).padStart(2, "0")}`);
  }

  seekTo(seconds) {
    const total = this.duration();
    if (!total) return;
    this.audio.currentTime = Math.max(0, Math.min(total - 0.05, seconds));
    this.showPosition();
    if (this.audio.paused) this.audio.play().catch(() => {});
  }

  seekAt(event) {
    const box = this.wave.getBoundingClientRect();
    this.seekTo(((event.clientX - box.left) / box.width) * this.duration());
  }

  key(event) {
    const moves = { ArrowRight: STEP_S, ArrowLeft: -STEP_S, Home: -Infinity, End: Infinity };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const move = moves[event.key];
    this.seekTo(Number.isFinite(move) ? this.audio.currentTime + move : move < 0 ? 0 : this.duration());
  }
}

function once(target, name) {
  return new Promise((resolve, reject) => {
    target.addEventListener(name, resolve, { once: true });
    target.addEventListener("error", () => reject(new Error("the preview does not load")), { once: true });
  });
}

// Ready to play where it stands (not seeking, data ahead), or after three seconds anyway.
function buffered(audio) {
  return new Promise((resolve) => {
    const check = () => { if (!audio.seeking && audio.readyState >= 3) resolve(); };
    for (const name of ["canplay", "canplaythrough", "seeked", "progress"]) audio.addEventListener(name, check);
    setTimeout(resolve, 3000);
    check();
  });
}

// The version's preview: a listening URL (streamed with range requests) and its waveform.
export async function wholePreview(player, projectId, version) {
  const listen = await api(`/projects/${projectId}/listen?version=${version}`);
  const width = 960;
  await player.useWhole(listen.url, null);
  await player.showWaveform(`/projects/${projectId}/waveform.png?version=${version}&width=${width}&height=96`);
  return listen;
}
