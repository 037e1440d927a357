// Review UI behaviour: field selection, bbox overlay, text highlights, decisions and keyboard shortcuts.
//
// The pages work without this script (every decision is a form post). With it, a field decision is sent with
// fetch and the record's panels are refreshed in place from the server's own rendering of the page (no
// reload: the PDF page, the scroll positions and the selection stay); a whole-record decision (A / R) opens
// the next record to review. Document text never goes through innerHTML: values are read from data
// attributes and written with textContent / input.value; refreshed panels are nodes parsed by DOMParser from
// the server's escaped HTML (DOMParser runs no script, and the CSP forbids inline ones).
"use strict";

document.documentElement.classList.add("js");
const token = document.querySelector('meta[name="csrf-token"]').content;

// Scroll ``element`` into view inside its scrolling panel only: the window itself must stay put, so the
// record header and the findings do not jump away while the reviewer walks through fields.
function reveal(container, element) {
  if (!container || !element) return;
  const box = container.getBoundingClientRect();
  const at = element.getBoundingClientRect();
  if (at.top < box.top || at.bottom > box.bottom) {
    container.scrollTop += at.top - box.top - (container.clientHeight - at.height) / 2;
  }
  if (at.left < box.left || at.right > box.right) container.scrollLeft += at.left - box.left - 20;
}

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

function initQueue() {
  const rows = [...document.querySelectorAll(".queue-row")];
  if (!rows.length) return;
  let at = -1;
  const select = (i) => {
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((row, j) => row.classList.toggle("current", j === at));
    rows[at].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((row, i) => row.addEventListener("click", (e) => {
    if (e.target.closest("a")) return;
    select(i);
    location.href = row.dataset.href;
  }));
  document.addEventListener("keydown", (e) => {
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j") select(at + 1);
    else if (e.key === "k") select(at - 1);
    else if (e.key === "Enter" && at >= 0) location.href = rows[at].dataset.href;
  });
}

const ACTION_LABELS = { accept: "接受", edit: "修改", reject: "拒绝" };

function initRecord() {
  let data = JSON.parse(document.getElementById("record-data").textContent);
  let editing = null;
  let current = null;
  let busy = false;

  const emptyFields = () => document.getElementById("empty-fields");
  const visibleFields = () =>
    [...document.querySelectorAll("tr.field")].filter((row) => !emptyFields().contains(row) || emptyFields().open);
  const rowOf = (path) => [...document.querySelectorAll("tr.field")].find((row) => row.dataset.path === path);

  function say(text, isError) {
    const flash = document.getElementById("flash");
    flash.textContent = "";
    const span = document.createElement("span");
    span.className = isError ? "error" : "saved";
    span.textContent = text;
    flash.append(span);
  }

  function showBox(path) {
    const box = document.getElementById("bbox");
    const image = document.getElementById("page-image");
    if (!box || !image) return;
    const where = data.fields[path];
    const page = where ? where.page : data.blockPage;
    const size = data.pageSizes[String(page)];
    if (!image.src.endsWith(`/${page}.png`)) {
      image.src = `/page/${data.docId}/${page}.png`;
      document.getElementById("page-number").textContent = String(page);
    }
    if (!where || !where.bbox || !size) {
      box.hidden = true;
      return;
    }
    const [x0, top, x1, bottom] = where.bbox;
    const [w, h] = size;
    box.style.left = `${(100 * x0) / w}%`;
    box.style.top = `${(100 * top) / h}%`;
    box.style.width = `${(100 * (x1 - x0)) / w}%`;
    box.style.height = `${(100 * (bottom - top)) / h}%`;
    box.hidden = false;
    const reposition = () => reveal(box.closest(".page-frame"), box);
    if (image.complete) reposition();
    else image.addEventListener("load", reposition, { once: true });
  }

  function showMarks(path) {
    let first = null;
    for (const mark of document.querySelectorAll("#source-text mark")) {
      const on = mark.dataset.fields.split(" ").includes(path);
      mark.classList.toggle("current", on);
      if (on && !first) first = mark;
    }
    reveal(document.getElementById("source-text"), first);
  }

  function select(row) {
    if (!row || editing) return;
    current = row;
    document.querySelectorAll("tr.field.current").forEach((r) => r.classList.remove("current"));
    row.classList.add("current");
    if (emptyFields().contains(row)) emptyFields().open = true;
    reveal(document.getElementById("fields-panel"), row);
    showBox(row.dataset.path);
    showMarks(row.dataset.path);
    const url = new URL(location.href);
    url.searchParams.set("field", row.dataset.path);
    history.replaceState(null, "", url);
  }

  function move(step) {
    const rows = visibleFields();
    const at = rows.indexOf(current);
    select(rows[Math.max(0, Math.min(rows.length - 1, at + step))]);
  }

  function nextPath(row) {
    const rows = visibleFields();
    const after = rows.slice(rows.indexOf(row) + 1);
    const next = after.find((r) => !r.classList.contains("decided")) || after[0] || row;
    return next.dataset.path;
  }

  // The record's panels as the server renders them now, swapped in place (the page is not reloaded).
  async function refresh(selectPath) {
    const response = await fetch(location.href, { credentials: "same-origin" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["record-head", "findings", "record-data"]) {
      document.getElementById(id).replaceWith(document.adoptNode(fresh.getElementById(id)));
    }
    for (const selector of ["#fields-panel > table.fields", "#empty-fields"]) {
      const open = selector === "#empty-fields" && emptyFields().open;
      document.querySelector(selector).replaceWith(document.adoptNode(fresh.querySelector(selector)));
      if (open) emptyFields().open = true;
    }
    data = JSON.parse(document.getElementById("record-data").textContent);
    current = null;
    select(rowOf(selectPath) || visibleFields()[0]);
  }

  async function decide(field, action, value, row) {
    if (busy) return false;
    busy = true;
    try {
      const response = await fetch(
        `/api/records/${encodeURIComponent(data.key)}/decisions${location.search}`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": token },
          body: JSON.stringify({ field, action, value }),
          credentials: "same-origin",
        },
      );
      const fallback = response.status === 413 ? "内容过长（too long）" : `HTTP ${response.status}`;
      const reply = await response.json().catch(() => ({ ok: false, error: fallback }));
      if (!reply.ok) {
        if (row) row.querySelector(".error").textContent = reply.error;
        else say(reply.error, true);
        return false;
      }
      if (field === "record") {
        sessionStorage.setItem("review-flash", `上一条记录已${ACTION_LABELS[action]}（${reply.status_label}）`);
        location.assign(reply.next);
        return true;
      }
      const confidence = reply.confidence === null ? "未评分" : reply.confidence.toFixed(2);
      stopEdit();
      await refresh(row ? nextPath(row) : null);
      say(
        `已保存（${ACTION_LABELS[action]}）并重新核查：置信度 ${confidence}，发现 ${reply.findings.length} 条，` +
          `状态 ${reply.status_label}`,
        false,
      );
      return true;
    } finally {
      busy = false;
    }
  }

  function startEdit(row, initial) {
    if (editing) return;
    const cell = row.querySelector(".value");
    const long = row.dataset.value.length > 40 || (row.dataset.kind === "text" && row.dataset.value.includes("\n"));
    const input = document.createElement(long ? "textarea" : "input");
    input.className = "editor";
    input.value = initial ?? row.dataset.value;
    if (long) input.rows = Math.min(12, Math.max(3, Math.ceil(input.value.length / 40)));
    const hint = document.createElement("div");
    hint.className = "muted";
    hint.textContent = long ? "Enter 保存 · Shift+Enter 换行 · Esc 取消" : "Enter 保存 · Esc 取消";
    cell.hidden = true;
    cell.after(input, hint);
    editing = { row, input, hint, cell };
    input.focus();
    input.addEventListener("keydown", async (e) => {
      if (e.isComposing) return; // Enter that confirms a Chinese IME candidate is not a save
      if (e.key === "Escape") {
        e.preventDefault();
        stopEdit();
      } else if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        const saved = await decide(row.dataset.path, "edit", input.value, row);
        if (!saved && editing) input.focus();
      }
    });
  }

  function stopEdit() {
    if (!editing) return;
    editing.input.remove();
    editing.hint.remove();
    editing.cell.hidden = false;
    editing.row.querySelector(".error").textContent = "";
    editing = null;
  }

  function useReading(row, source) {
    const reading = row.querySelector(`.reading[data-source="${source}"]`);
    if (!reading) return;
    const value = reading.textContent;
    if (value === row.dataset.value) decide(row.dataset.path, "accept", null, row);
    else decide(row.dataset.path, "edit", value, row);
  }

  function act(row, action) {
    if (!row) return;
    if (action === "edit") startEdit(row);
    else decide(row.dataset.path, action, null, row);
  }

  // Delegated: the rows are replaced after every decision.
  document.addEventListener("click", (e) => {
    const recordButton = e.target.closest("button[data-record-action]");
    if (recordButton) {
      e.preventDefault();
      decide("record", recordButton.dataset.recordAction, null, null);
      return;
    }
    const row = e.target.closest("tr.field");
    if (!row || (editing && editing.row === row)) return;
    select(row);
    const button = e.target.closest("button[data-action]");
    if (button) {
      e.preventDefault();
      act(row, button.dataset.action);
    }
    const reading = e.target.closest(".reading");
    if (reading) useReading(row, reading.dataset.source);
  });
  document.addEventListener("toggle", (e) => {
    const details = emptyFields();
    if (e.target === details && !details.open && current && details.contains(current)) select(visibleFields()[0]);
  }, true);

  document.addEventListener("keydown", (e) => {
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const go = (id) => {
      const link = document.getElementById(id);
      if (link) location.href = link.href;
    };
    const keys = {
      j: () => move(1),
      k: () => move(-1),
      a: () => act(current, "accept"),
      e: () => act(current, "edit"),
      r: () => act(current, "reject"),
      1: () => current && useReading(current, "rules"),
      2: () => current && useReading(current, "llm"),
      A: () => decide("record", "accept", null, null),
      R: () => decide("record", "reject", null, null),
      n: () => go("next-record"),
      p: () => go("prev-record"),
      q: () => go("queue-link"),
    };
    const handler = keys[e.key];
    if (handler) {
      e.preventDefault();
      handler();
    }
  });

  const message = sessionStorage.getItem("review-flash");
  if (message) {
    say(message, false);
    sessionStorage.removeItem("review-flash");
  }
  const rows = [...document.querySelectorAll("tr.field")];
  select(rows.find((row) => row.hasAttribute("data-selected")) || rows[0]);
}

if (document.body.classList.contains("queue-page")) initQueue();
if (document.body.classList.contains("record-page")) initRecord();
