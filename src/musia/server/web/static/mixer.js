// The mixer of a project version: every stem decoded into Web Audio and started on one clock
// at one instant (so the parts stay sample-locked), mute and solo per part, and a playhead on
// the stems' waveform and on every piano roll. The playhead follows the preview player too.
import { bytes } from "./api.js";
import { el, seconds } from "./ui.js";

const WAVE_W = 960;
const WAVE_H = 72;
let follow = null; // the shown mixer's playhead updater, for the preview player's events

// Media events do not bubble; in the capture phase the document sees every player's.
document.addEventListener("play", (event) => follow?.previewPlaying(event.target), true);

export function mixer(project, view, query) {
  if (!view.stems.length) return document.createComment("no stems to mix");
  const state = {
    ctx: null, buffers: new Map(), gains: new Map(), sources: [], muted: new Set(), solo: new Set(),
    startedAt: 0, offset: 0, playing: false, duration: 0, frame: 0, preview: null,
  };
  const playButton = el("button", { type: "button", class: "mix-play" }, "▶ Play the stems");
  const time = el("span", { class: "mix-time", role: "timer", "aria-live": "off", text: "0:00.0" });
  const status = el("p", { class: "note mix-status", "aria-live": "polite", text: `${view.stems.length} stems; they load when you press play.` });
  const canvas = el("canvas", { class: "mix-wave", width: WAVE_W, height: WAVE_H });
  const head = el("div", { class: "playhead", "aria-hidden": "true" });
  const wave = el("div", { class: "mix-wave-wrap", role: "slider", tabindex: "0", "aria-label": "Position in the song",
    "aria-valuemin": "0", "aria-valuemax": String(Math.round(view.duration_s)), "aria-valuenow": "0" }, canvas, head);
  const strips = view.stems.map((name) => strip(name, state, () => applyGains(state, strips)));
  const box = el("section", { class: "mixer card", "aria-labelledby": "mixer-title", "data-state": "idle" },
    el("h3", { id: "mixer-title", text: "Mixer" }),
    el("div", { class: "row wrap" }, playButton, time),
    wave, el("ul", { class: "strips" }, strips.map((s) => s.item)), status);

  const position = () => {
    if (state.playing) return state.offset + state.ctx.currentTime - state.startedAt;
    if (state.preview && !state.preview.paused) return state.preview.currentTime;
    return state.offset;
  };
  const draw = () => {
    const t = position();
    const total = state.duration || view.duration_s || 1;
    head.style.left = `${Math.min(100, (100 * t) / total)}%`;
    wave.setAttribute("aria-valuenow", String(Math.round(t)));
    time.textContent = `${seconds(t)} / ${seconds(total)}`;
    box.dataset.position = t.toFixed(3);
    moveRollHeads(box, view, t);
    if (state.playing && t >= state.duration) stop(state, 0);
    if (state.playing || (state.preview && !state.preview.paused)) state.frame = requestAnimationFrame(draw);
    box.dataset.state = state.playing ? "playing" : "idle";
    playButton.textContent = state.playing ? "❚❚ Pause" : "▶ Play the stems";
  };
  follow = {
    previewPlaying(player) {
      if (!box.isConnected || player.tagName !== "AUDIO" || player.id !== "preview-player") return;
      if (state.playing) stop(state, position());
      state.preview = player;
      cancelAnimationFrame(state.frame);
      draw();
    },
  };

  playButton.addEventListener("click", async () => {
    if (state.playing) {
      stop(state, position());
      return draw();
    }
    playButton.disabled = true;
    try {
      if (!state.ctx) await load(project, view, query, state, status, canvas);
      document.querySelector("#preview-player")?.pause();
      start(state, state.offset, strips);
      cancelAnimationFrame(state.frame);
      draw();
    } catch (error) {
      status.textContent = `The stems could not be played: ${error.message}`;
    } finally {
      playButton.disabled = false;
    }
  });
  const seek = (fraction) => {
    const at = Math.max(0, Math.min(1, fraction)) * (state.duration || view.duration_s);
    if (state.playing) start(state, at, strips);
    else state.offset = at;
    if (state.preview && !state.preview.paused) state.preview.currentTime = at;
    cancelAnimationFrame(state.frame);
    draw();
  };
  wave.addEventListener("click", (event) => {
    const rect = wave.getBoundingClientRect();
    seek((event.clientX - rect.left) / rect.width);
  });
  wave.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 5, ArrowLeft: -5 }[event.key];
    if (!step) return;
    event.preventDefault();
    seek((position() + step) / (state.duration || view.duration_s));
  });
  return box;
}

function strip(name, state, changed) {
  const toggle = (set, label, text) => {
    const button = el("button", { type: "button", class: `quiet small ${label}`, "aria-pressed": "false",
      "aria-label": `${text} ${name}`, title: `${text} ${name}` }, label === "mute" ? "M" : "S");
    button.addEventListener("click", () => {
      if (set.has(name)) set.delete(name); else set.add(name);
      button.setAttribute("aria-pressed", String(set.has(name)));
      changed();
    });
    return button;
  };
  const item = el("li", { "data-stem": name, "data-audible": "true" },
    el("span", { class: "stem-name", text: name }),
    toggle(state.muted, "mute", "Mute"), toggle(state.solo, "solo", "Solo"));
  return { name, item };
}

// Heard: the soloed parts when any is soloed, else every part not muted.
function audible(state, name) {
  return state.solo.size ? state.solo.has(name) : !state.muted.has(name);
}

function applyGains(state, strips) {
  for (const { name, item } of strips) {
    const on = audible(state, name);
    item.dataset.audible = String(on);
    const gain = state.gains.get(name);
    if (gain) gain.gain.setTargetAtTime(on ? 1 : 0, state.ctx.currentTime, 0.01); // no click
  }
}

async function load(project, view, query, state, status, canvas) {
  const Context = window.AudioContext || window.webkitAudioContext;
  state.ctx = new Context();
  let done = 0;
  status.textContent = `Loading the stems (0/${view.stems.length})…`;
  await Promise.all(view.stems.map(async (name) => {
    const data = await bytes(`/projects/${project.id}/stems/${encodeURIComponent(name)}?${query}`);
    state.buffers.set(name, await state.ctx.decodeAudioData(data));
    status.textContent = `Loading the stems (${++done}/${view.stems.length})…`;
  }));
  for (const name of view.stems) {
    const gain = state.ctx.createGain();
    gain.connect(state.ctx.destination);
    state.gains.set(name, gain);
  }
  state.duration = view.duration_s || Math.max(...[...state.buffers.values()].map((b) => b.duration));
  drawWave(canvas, [...state.buffers.values()], state.duration);
  status.textContent = `${view.stems.length} stems, started together on one clock.`;
}

// Every stem's source starts at the same context time, from the same offset: the stems stay
// in sync however long they play.
function start(state, offset, strips) {
  for (const source of state.sources) source.stop();
  state.sources = [];
  const when = state.ctx.currentTime + 0.05;
  for (const [name, buffer] of state.buffers) {
    const source = state.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(state.gains.get(name));
    if (offset < buffer.duration) source.start(when, offset);
    state.sources.push(source);
  }
  applyGains(state, strips);
  state.ctx.resume();
  state.startedAt = when;
  state.offset = offset;
  state.playing = true;
}

function stop(state, offset) {
  for (const source of state.sources) {
    try { source.stop(); } catch { /* never started: past its end */ }
  }
  state.sources = [];
  state.playing = false;
  state.offset = offset;
}

// The stems summed, as the peak of each column over the song's length.
function drawWave(canvas, buffers, duration) {
  const context = canvas.getContext("2d");
  const rate = buffers[0].sampleRate;
  const frames = Math.ceil(duration * rate);
  const peaks = new Float32Array(WAVE_W);
  const channels = buffers.map((b) => b.getChannelData(0));
  const perColumn = Math.max(1, Math.floor(frames / WAVE_W));
  for (let x = 0; x < WAVE_W; x += 1) {
    let peak = 0;
    const from = Math.floor((x * frames) / WAVE_W);
    for (let i = from; i < from + perColumn; i += 4) {
      let sum = 0;
      for (const data of channels) sum += data[i] || 0;
      peak = Math.max(peak, Math.abs(sum));
    }
    peaks[x] = peak;
  }
  const top = Math.max(...peaks, 0.01);
  context.fillStyle = "#12141a";
  context.fillRect(0, 0, WAVE_W, WAVE_H);
  context.fillStyle = "#6ec8a0";
  for (let x = 0; x < WAVE_W; x += 1) {
    const half = Math.max(0.5, (peaks[x] / top) * (WAVE_H / 2 - 2));
    context.fillRect(x, WAVE_H / 2 - half, 1, 2 * half);
  }
}

// A playhead over each piano roll: x = gutter + beat × (width − gutter) / length, in the
// picture's own pixels (the view states the gutter and the length), as a share of its width.
function moveRollHeads(box, view, timeS) {
  const scope = box.closest("#version-body") || document;
  const roll = view.roll || { gutter_px: 0, length_beats: view.length_beats };
  const beat = (timeS * view.tempo) / 60;
  for (const img of scope.querySelectorAll(".parts figure.part img")) {
    let holder = img.parentElement;
    if (!holder.classList.contains("roll")) {
      holder = el("div", { class: "roll" });
      img.replaceWith(holder);
      holder.append(img, el("div", { class: "playhead", "aria-hidden": "true" }));
    }
    const width = img.naturalWidth || 960;
    const fraction = beat / (roll.length_beats || 1);
    const line = holder.querySelector(".playhead");
    line.hidden = fraction > 1;
    line.style.left = `${(100 * (roll.gutter_px + fraction * (width - roll.gutter_px))) / width}%`;
  }
}
