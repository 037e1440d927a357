// Review UI behaviour: field selection, bbox overlay, text highlights, decisions and keyboard shortcuts.
// Document text never goes through innerHTML: values are read from data attributes and written with
// textContent / input.value only.
"use strict";

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

function initRecord() {
  const data = JSON.parse(document.getElementById("record-data").textContent);
  const emptyFields = document.getElementById("empty-fields");
  const flash = document.getElementById("flash");
  let editing = null;
  let current = null;

  const visibleFields = () =>
    [...document.querySelectorAll("tr.field")].filter((row) => !emptyFields.contains(row) || emptyFields.open);

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
    row.scrollIntoView({ block: "nearest" });
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

  async function decide(field, action, value, row) {
    const response = await fetch(`/api/records/${encodeURIComponent(data.key)}/decisions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": token },
      body: JSON.stringify({ field, action, value }),
      credentials: "same-origin",
    });
    const reply = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!reply.ok) {
      const where = row ? row.querySelector(".error") : flash;
      where.textContent = reply.error;
      return false;
    }
    const confidence = reply.confidence === null ? "未评分" : reply.confidence.toFixed(2);
    sessionStorage.setItem(
      "review-flash",
      `已保存（${action}）并重新核查：置信度 ${confidence}，发现 ${reply.findings.length} 条，状态 ${reply.status}`,
    );
    const url = new URL(location.href);
    if (row) url.searchParams.set("field", nextPath(row));
    location.replace(url);
    return true;
  }

  function startEdit(row, initial) {
    if (editing) return;
    const cell = row.querySelector(".value");
    const long = row.dataset.value.length > 40 || row.dataset.kind === "text" && row.dataset.value.includes("\n");
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
        if (!saved) input.focus();
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

  document.querySelectorAll("tr.field").forEach((row) => {
    row.addEventListener("click", (e) => {
      if (editing && editing.row === row) return;
      select(row);
      const button = e.target.closest("button[data-action]");
      if (button) act(row, button.dataset.action);
      const reading = e.target.closest(".reading");
      if (reading) useReading(row, reading.dataset.source);
    });
  });
  document.querySelectorAll("button[data-record-action]").forEach((button) => {
    button.addEventListener("click", () => decide("record", button.dataset.recordAction, null, null));
  });

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
    flash.textContent = message;
    sessionStorage.removeItem("review-flash");
  }
  const rows = [...document.querySelectorAll("tr.field")];
  const wanted = rows.find((row) => row.hasAttribute("data-selected"));
  if (wanted && emptyFields.contains(wanted)) emptyFields.open = true;
  select(wanted || rows[0]);
  emptyFields.addEventListener("toggle", () => {
    if (!emptyFields.open && current && emptyFields.contains(current)) select(visibleFields()[0]);
  });
}

if (document.body.classList.contains("queue-page")) initQueue();
if (document.body.classList.contains("record-page")) initRecord();
