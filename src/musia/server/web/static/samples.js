// The sample library: search (the CLI's query), audition, waveform thumbnails, uploads dropped
// several at a time (each analysed by a job), and the starter pack in one click.
import { api, blobUrl } from "./api.js";
import { clearError, el, followJob, manageButtons, seconds, showError } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
const STATES = { pending: "analysing…", failed: "not analysed" };

export function setupSamples(section) {
  const filters = section.querySelector("#sample-filters");
  filters.addEventListener("submit", async (event) => {
    event.preventDefault();
    await showSamples(section);
  });
  const form = section.querySelector("#sample-upload");
  const input = form.querySelector("#s-file");
  input.addEventListener("change", () => {
    if (input.files.length) addFiles(section, [...input.files]);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.files.length) addFiles(section, [...input.files]);
    else showError(form, Object.assign(new Error("Choose or drop audio files first."), { field: "file" }));
  });
  const zone = section.querySelector("#sample-drop");
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = [...(event.dataTransfer?.files || [])];
    if (files.length) addFiles(section, files);
  });
  for (const button of section.querySelectorAll("[data-starter]")) {
    button.addEventListener("click", () => addStarter(section, button));
  }
}

// Each file is uploaded on its own (one bad file does not stop the others), then its analysis
// job is followed; the table refreshes as analyses finish.
async function addFiles(section, files) {
  const form = section.querySelector("#sample-upload");
  clearError(form);
  const list = section.querySelector("#upload-list");
  list.hidden = false;
  const stated = {};
  for (const name of ["type", "bpm", "key"]) {
    if (form[name].value.trim()) stated[name] = form[name].value.trim();
  }
  const jobs = [];
  for (const file of files) {
    const status = el("span", { class: "meta", text: "uploading…" });
    list.append(el("li", {}, el("span", { class: "name", text: file.name }), " ", status));
    const data = new FormData();
    data.append("file", file, file.name);
    for (const [name, value] of Object.entries(stated)) data.append(name, value);
    try {
      const sample = await api("/samples/upload", { method: "POST", form: data });
      status.textContent = "analysing…";
      jobs.push(followJob({ id: sample.job_id, status: "PENDING", progress: 0 }, null)
        .then(async () => {
          status.textContent = describe(await api(`/samples/${sample.id}`)) || "analysed";
        })
        .catch((error) => { status.textContent = `not analysed: ${error.message}`; })
        .finally(() => showSamples(section)));
    } catch (error) {
      status.textContent = error.message;
      status.classList.add("failed");
    }
  }
  form.reset();
  await showSamples(section);
  await Promise.all(jobs);
}

async function addStarter(section, button) {
  const card = button.closest(".starter");
  const box = card.querySelector(".job");
  clearError(card);
  button.disabled = true;
  try {
    const started = await api("/samples/starter", { method: "POST" });
    const job = await followJob(started.job, box);
    box.querySelector(".job-text").textContent =
      `Added ${job.result.added} sample(s)${job.result.kept ? `, ${job.result.kept} already there` : ""}.`;
    await showSamples(section);
  } catch (error) {
    showError(card, error);
  } finally {
    button.disabled = false;
  }
}

function describe(sample) {
  return [sample.type, sample.bpm ? `${sample.bpm} BPM` : null, sample.key].filter(Boolean).join(" · ");
}

// A thumbnail from the analysis's 48 peak levels, drawn as mirrored bars scaled to the row.
function thumbnail(sample) {
  const peaks = sample.data?.peaks;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 48 20");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "thumb");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", peaks ? `Waveform of ${sample.name}` : `No waveform yet for ${sample.name}`);
  if (peaks) {
    const top = Math.max(...peaks, 0.02);
    const path = peaks.map((peak, i) => {
      const half = Math.max(0.3, (peak / top) * 9.5);
      return `M${i + 0.5} ${(10 - half).toFixed(2)}V${(10 + half).toFixed(2)}`;
    }).join("");
    const line = document.createElementNS(SVG, "path");
    line.setAttribute("d", path);
    svg.append(line);
  }
  return svg;
}

export async function showSamples(section) {
  const filters = section.querySelector("#sample-filters");
  clearError(filters);
  const query = new URLSearchParams({ page_size: "100" });
  let filtered = false;
  for (const field of filters.elements) {
    if (field.name && field.value.trim()) {
      query.set(field.name, field.value.trim());
      filtered = true;
    }
  }
  try {
    const page = await api(`/samples?${query}`);
    section.querySelector("#sample-count").textContent = `${page.total} sample(s)`;
    section.querySelector("#starter-empty").hidden = filtered || page.total > 0;
    section.querySelector("#sample-table").hidden = page.total === 0;
    section.querySelector("#sample-table tbody").replaceChildren(...page.items.map((sample) => row(section, sample)));
  } catch (error) {
    showError(filters, error);
  }
}

// A fact of the row; an unknown one is a dash in the table and left out of a phone's card.
function cell(label, value) {
  const known = value !== null && value !== undefined && value !== "";
  return el("td", { "data-label": label, class: known ? null : "none", text: known ? value : "–" });
}

function row(section, sample) {
  const pending = STATES[sample.data?.status];
  const play = async () => {
    const player = section.querySelector("#audition");
    try {
      player.src = await blobUrl(`/samples/${sample.id}/audio`);
      await player.play();
    } catch (error) {
      showError(section.querySelector("#sample-filters"), error);
    }
  };
  return el("tr", { "data-sample": sample.id },
    el("td", { class: "wave" }, thumbnail(sample)),
    el("th", { scope: "row", class: "name", text: sample.name }),
    cell("Type", sample.type || pending),
    cell("BPM", sample.bpm),
    cell("Key", sample.key),
    el("td", { "data-label": "Length", text: seconds(sample.duration_s) }),
    el("td", { class: "actions" },
      el("button", { type: "button", class: "small", "aria-label": `Audition ${sample.name}`, onclick: play }, "▶ Play"),
      ["pending", "analysed"].includes(sample.data?.status) ? null : el("button", {
        type: "button", class: "quiet small", "aria-label": `Analyse ${sample.name}`,
        onclick: async (event) => {
          event.currentTarget.disabled = true;
          try {
            await followJob((await api(`/samples/${sample.id}/analyze`, { method: "POST" })).job, null);
          } catch (error) {
            showError(section.querySelector("#sample-filters"), error);
          }
          await showSamples(section);
        },
      }, "Analyse"),
      manageButtons({
        path: `/samples/${sample.id}`, name: sample.name, label: sample.name,
        onRenamed: () => showSamples(section), onDeleted: () => showSamples(section),
      })));
}
