// Projects: the list, and one project's versions with players, piano rolls, sections,
// downloads and an edit form.
import { api, blobUrl, download } from "./api.js";
import { mixer } from "./mixer.js";
import { PreviewPlayer, wholePreview } from "./player.js";
import { clearError, definitionList, el, followJob, manageButtons, onSubmit, seconds, showError } from "./ui.js";

export async function showProjects(section) {
  clearError(section);
  const list = section.querySelector("#project-list");
  try {
    const page = await api("/projects?page_size=100");
    list.replaceChildren(...page.items.map((project) => el("li", { "data-project": project.id },
      el("a", { href: `#project/${project.id}` }, project.name),
      el("span", { class: "meta" },
        ` · ${project.source} · version ${project.current_version} · ${new Date(project.updated_at).toLocaleString()}`),
      manageButtons({
        path: `/projects/${project.id}`, name: project.name, label: project.name,
        onRenamed: () => showProjects(section), onDeleted: () => showProjects(section),
      }))));
    section.querySelector("#projects-empty").hidden = page.items.length > 0;
  } catch (error) {
    showError(section, error);
  }
}

export async function showProject(section, projectId, number = null) {
  clearError(section);
  const body = section.querySelector("#project-body");
  body.replaceChildren(el("p", { role: "status", text: "Loading…" }));
  const [project, versions] = await Promise.all([
    api(`/projects/${projectId}`), api(`/projects/${projectId}/versions`)]);
  section.querySelector("#project-title").textContent = project.name;
  const chosen = versions.find((v) => v.number === (number ?? project.current_version)) || versions.at(-1);
  const picker = el("select", { id: "version-picker" }, versions.map((v) =>
    el("option", { value: v.number, selected: v.number === chosen.number },
      `v${v.number}${v.instruction ? ` — ${v.instruction.slice(0, 60)}` : ""} (${v.status})`)));
  picker.addEventListener("change", () => showProject(section, projectId, Number(picker.value)));
  const holder = el("div", { id: "version-body" });
  const manage = manageButtons({
    path: `/projects/${projectId}`, name: project.name, label: project.name,
    onRenamed: (renamed) => { section.querySelector("#project-title").textContent = renamed.name; },
    onDeleted: () => { location.hash = "#projects"; },
  });
  body.replaceChildren(
    el("div", { class: "row wrap" }, el("label", { for: "version-picker" }, "Version"), picker, manage),
    holder,
    editForm(section, project),
  );
  await showVersion(holder, project, chosen);
}

async function showVersion(holder, project, version) {
  if (version.status === "pending" && version.job_id) {
    const box = el("div", { class: "job" });
    holder.replaceChildren(el("p", { text: "This version is being made." }), box);
    await followJob(await api(`/jobs/${version.job_id}`), box);
  }
  const query = `version=${version.number}`;
  let view;
  try {
    view = await api(`/projects/${project.id}/view?${query}`);
  } catch (error) {
    holder.replaceChildren(el("p", { class: "error", role: "alert", text: error.message }));
    return;
  }
  // The page is whole at once; the preview streams and the piano rolls arrive side by side.
  holder.replaceChildren(
    definitionList([
      ["Tempo", `${view.tempo} BPM`], ["Time signature", view.time_signature],
      ["Length", seconds(view.duration_s)], ["Source", view.source],
    ]),
    players(project, view),
    mixer(project, view, query),
    sections(view),
    downloads(project, view, query),
    pianoRolls(project, view, query),
  );
}

function players(project, view) {
  if (!view.formats.includes("wav")) {
    return el("p", { class: "note", text: "No audio preview for this version (ask for one with the preview box ticked)." });
  }
  const player = new PreviewPlayer({ label: "Preview (mix)", id: "preview-player", className: "project-player" });
  player.audio.dataset.duration = view.preview_s ?? view.duration_s;
  const status = el("p", { class: "error", role: "alert", hidden: true });
  wholePreview(player, project.id, view.version)
    .catch((error) => { status.textContent = error.message; status.hidden = false; });
  return el("figure", { class: "player" },
    el("figcaption", { id: "preview-label", text: "Preview (mix)" }), player.element, status);
}

function sections(view) {
  if (!view.sections.length) return el("p", { class: "note", text: "No section markers in this set." });
  return el("nav", { "aria-label": "Sections", class: "sections" },
    el("h3", { text: "Sections" }),
    el("ol", {}, view.sections.map((mark) => el("li", {},
      el("button", {
        type: "button", class: "quiet",
        onclick: () => {
          const player = document.querySelector("#preview-player");
          if (player) { player.currentTime = mark.time_s; player.play(); }
        },
      }, `${mark.name || "marker"} · ${seconds(mark.time_s)} (beat ${mark.time_beats})`)))));
}

function downloads(project, view, query) {
  const base = `/projects/${project.id}/download?${query}&format=`;
  const names = { zip: "Project (.zip)", als: "Live set (.als)", mid: "MIDI (.mid)", wav: "Preview (.wav)" };
  const formats = ["zip", ...view.formats];
  const status = el("p", { class: "error", role: "alert", hidden: true });
  return el("div", { class: "downloads" },
    el("h3", { text: "Downloads" }),
    el("div", { class: "row wrap" }, formats.map((format) => el("button", {
      type: "button", "data-format": format,
      onclick: async () => {
        status.hidden = true;
        try { await download(base + format); } catch (error) { status.textContent = error.message; status.hidden = false; }
      },
    }, names[format] || format))),
    status);
}

function pianoRolls(project, view, query) {
  const figures = view.parts.map((part) => {
    const stem = view.stems.includes(part.name) ? stemButton(project, part.name, query) : null;
    const where = part.session_clips ? ` (${part.session_clips} in the session view, played scene by scene)` : "";
    const picture = el("img", { class: "loading", alt: `Piano roll of ${part.name}: ${part.notes} notes; orange lines mark sections` });
    blobUrl(`/projects/${project.id}/pianoroll.png?part=${part.index}&${query}`)
      .then((src) => { picture.src = src; picture.classList.remove("loading"); })
      .catch((error) => { picture.replaceWith(el("p", { class: "error", role: "alert", text: error.message })); });
    return el("figure", { class: "part", "data-part": part.index },
      el("figcaption", {}, el("strong", { text: part.name }), ` · ${part.notes} notes in ${part.clips} clips${where}`),
      picture, stem);
  });
  return el("section", { class: "parts", "aria-label": "Parts" }, el("h3", { text: "Parts" }), figures);
}

// A stem is fetched when asked for (six of them are tens of megabytes), then played.
function stemButton(project, name, query) {
  const button = el("button", { type: "button", class: "quiet stem-load" }, `▶ Play the ${name} stem`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const src = await blobUrl(`/projects/${project.id}/stems/${encodeURIComponent(name)}?${query}`);
      const player = el("audio", { controls: true, class: "stem", src, "aria-label": `${name} stem` });
      button.replaceWith(player);
      player.focus();
      await player.play();
    } catch (error) {
      button.disabled = false;
      button.after(el("p", { class: "error", role: "alert", text: error.message }));
    }
  });
  return button;
}

function editForm(section, project) {
  const form = el("form", { class: "card", novalidate: true },
    el("label", { for: "edit-text" }, "Change it"),
    el("input", { id: "edit-text", name: "instruction", required: true,
      placeholder: project.source === "imported" ? "make it 128 bpm" : "add a pad, transpose to C minor" }),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "audio", checked: true }),
      " Render the audio preview"),
    el("button", { type: "submit" }, "Make a new version"),
    el("div", { class: "job", hidden: true }),
    el("p", { class: "error", role: "alert", hidden: true }));
  onSubmit(form, async () => {
    const body = { instruction: form.instruction.value.trim(), audio: form.audio.checked };
    const started = await api(`/projects/${project.id}/modify`, { method: "POST", json: body });
    await followJob(started.job, form.querySelector(".job"));
    await showProject(section, project.id, started.version.number);
  });
  return form;
}
