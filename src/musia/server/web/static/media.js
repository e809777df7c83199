// Uploaded Live sets (inspect, edit) and uploaded audio (analyse, transform); samples.js has the library.
import { api, blobUrl, download } from "./api.js";
import { definitionList, el, followJob, manageButtons, onSubmit, seconds } from "./ui.js";

function upload(form) {
  const file = form.file.files[0];
  if (!file) {
    throw Object.assign(new Error("Choose a file first."), { field: "file" });
  }
  const data = new FormData();
  data.append("file", file, file.name);
  return data;
}

// ---- Live sets ----------------------------------------------------------------------------

export function setupSets(section) {
  const form = section.querySelector("#set-upload");
  onSubmit(form, async () => {
    const started = await api("/projects/import", { method: "POST", form: upload(form) });
    await followJob(started.job, form.querySelector(".job"));
    await showInspection(section, started.project.id, started.version.number);
  });
}

async function showInspection(section, projectId, number) {
  const body = section.querySelector("#set-body");
  const found = await api(`/projects/${projectId}/inspect?version=${number}`);
  const info = found.summary;
  const tracks = el("table", { class: "tracks" },
    el("caption", { text: `${info.tracks.length} tracks` }),
    el("thead", {}, el("tr", {}, ["Type", "Name", "Clips", "Notes", "Devices"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, info.tracks.map((track) => el("tr", {},
      el("td", { text: track.type }), el("th", { scope: "row", text: track.name }),
      el("td", { text: track.clips.length }),
      el("td", { text: track.clips.reduce((n, c) => n + c.note_count, 0) }),
      el("td", { text: track.devices.map((d) => d.name).join(", ") || "–" })))));
  const clips = el("details", {}, el("summary", { text: "Clips" }),
    el("ul", { class: "clips" }, info.tracks.flatMap((track) => track.clips.map((clip) => el("li", {},
      `${track.name}: ${clip.name || "(unnamed)"} — ${clip.location}, beats ${clip.start_beats}–${clip.end_beats}, ${clip.note_count} notes`)))));
  const locators = info.locators.length
    ? el("ol", { class: "locators", "aria-label": "Locators" }, info.locators.map((loc) =>
      el("li", { text: `${loc.name || "locator"} at beat ${loc.time_beats} (${seconds(loc.time_s)})` })))
    : el("p", { text: "No locators." });
  body.replaceChildren(
    el("h3", { id: "inspection-title", text: `Inspection: version ${found.version}` }),
    definitionList([
      ["Tempo", `${info.tempo} BPM`], ["Time signature", info.time_signature],
      ["Live", `${info.live_version} (${info.creator || info.minor_version})`],
      ["Length", `${info.length_beats} beats`], ["Scenes", info.scenes.length],
    ]),
    el("div", { class: "table-wrap" }, tracks), clips,
    el("h4", { text: "Locators" }), locators,
    editSet(section, projectId),
    el("p", {}, el("a", { href: `#project/${projectId}` }, "Open as a project (piano rolls, downloads)")));
}

function editSet(section, projectId) {
  const form = el("form", { class: "card", novalidate: true },
    el("label", { for: "set-edit" }, "Edit the set"),
    el("input", { id: "set-edit", name: "instruction", required: true,
      placeholder: "make it 128 bpm · transpose up 2 semitones · add a bass", "aria-describedby": "set-edit-hint" }),
    el("small", { id: "set-edit-hint", text: "What the edit does not touch stays byte for byte." }),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "audio" }),
      " Render the audio preview (its MIDI tracks on General MIDI sounds)"),
    el("button", { type: "submit" }, "Apply"),
    el("div", { class: "job", hidden: true }),
    el("p", { class: "error", role: "alert", hidden: true }));
  onSubmit(form, async () => {
    const body = { instruction: form.instruction.value.trim(), audio: form.audio.checked };
    const started = await api(`/projects/${projectId}/modify`, { method: "POST", json: body });
    await followJob(started.job, form.querySelector(".job"));
    await showInspection(section, projectId, started.version.number);
  });
  return form;
}

// ---- audio ----------------------------------------------------------------------------------

export function setupAudio(section) {
  const form = section.querySelector("#audio-upload");
  onSubmit(form, async () => {
    const started = await api("/music/upload", { method: "POST", form: upload(form) });
    await followJob(started.job, form.querySelector(".job"));
    await showAnalysis(section, started.music.id);
    await listMusic(section);
  });
}

export async function showAudio(section) {
  await listMusic(section);
}

async function listMusic(section) {
  const list = section.querySelector("#music-list");
  const files = await api("/music?limit=50");
  list.replaceChildren(...files.map((music) => el("li", { "data-music": music.id },
    el("button", { type: "button", class: "quiet", onclick: () => showAnalysis(section, music.id) }, music.name),
    el("span", { class: "meta", text: ` · ${music.instruction ? `from “${music.instruction}”` : "uploaded"} · ${music.processed ? "analysed" : "waiting"}` }),
    el("button", { type: "button", class: "quiet small", "aria-label": `Download ${music.name}`,
      onclick: () => download(`/music/${music.id}/download`) }, "Download"),
    manageButtons({
      path: `/music/${music.id}`, name: music.name, label: music.name,
      onRenamed: async () => {
        if (section.querySelector("#audio-body").dataset.music === music.id) await showAnalysis(section, music.id);
        await listMusic(section);
      },
      onDeleted: async () => {
        const shown = section.querySelector("#audio-body");
        if (shown.dataset.music === music.id) shown.replaceChildren();
        await listMusic(section);
      },
    }))));
  if (!files.length) list.append(el("li", { text: "Nothing uploaded yet." }));
}

async function showAnalysis(section, musicId) {
  const body = section.querySelector("#audio-body");
  const music = await api(`/music/${musicId}`);
  const result = music.result_data || {};
  const picture = await blobUrl(`/music/${musicId}/waveform.png?width=960&height=160`);
  const audio = await blobUrl(`/music/${musicId}/download`);
  const confidence = (v) => (typeof v === "number" ? ` (confidence ${Math.round(v * 100)} %)` : "");
  body.dataset.music = musicId;
  body.replaceChildren(
    el("h3", { id: "analysis-title", text: `Analysis: ${music.name}` }),
    definitionList([
      ["Tempo", result.tempo_bpm ? `${result.tempo_bpm.toFixed(1)} BPM${confidence(result.tempo_confidence)}` : "no steady pulse"],
      ["Key", result.key_name ? `${result.key_name}${confidence(result.key_confidence)}` : "not found"],
      ["Loudness", result.loudness_lufs !== null && result.loudness_lufs !== undefined ? `${result.loudness_lufs.toFixed(1)} LUFS` : "–"],
      ["Peak", result.true_peak_dbfs !== null && result.true_peak_dbfs !== undefined ? `${result.true_peak_dbfs.toFixed(1)} dBTP` : "–"],
      ["Length", seconds(result.duration_s)],
      ["Format", `${result.sample_rate || "?"} Hz, ${result.channels || "?"} channel(s)`],
    ]),
    el("img", { class: "waveform", src: picture, alt: `Waveform of ${music.name}` }),
    el("audio", { controls: true, src: audio, preload: "metadata", "aria-label": `Play ${music.name}` }),
    el("div", { class: "row wrap" }, el("button", {
      type: "button", id: "music-download", onclick: () => download(`/music/${musicId}/download`),
    }, `Download ${music.name}`)),
    transformForm(section, music));
}

function transformForm(section, music) {
  const form = el("form", { class: "card", novalidate: true },
    el("label", { for: "transform-text" }, "Transform it"),
    el("input", { id: "transform-text", name: "instruction", required: true,
      placeholder: "make it 128 bpm · transpose up 2 semitones · add drums" }),
    el("button", { type: "submit" }, "Transform"),
    el("div", { class: "job", hidden: true }),
    el("p", { class: "error", role: "alert", hidden: true }));
  onSubmit(form, async () => {
    const body = { music_id: music.id, instruction: form.instruction.value.trim() };
    const started = await api("/music/modify", { method: "POST", json: body });
    const job = await followJob(started.job, form.querySelector(".job"));
    await showAnalysis(section, job.result.music_id);
    await listMusic(section);
  });
  return form;
}
