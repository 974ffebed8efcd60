// draftbot web: autosave with version checks, live findings, drafting stream, history.
// Plain JavaScript, no libraries. User and model text is only ever set with textContent.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
const body = document.body;
const reportId = body.dataset.report;
let conflicted = false;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setState(text, kind) {
  const node = document.getElementById("save-state");
  if (!node) return;
  node.textContent = text;
  node.className = "save-state " + (kind || "");
}

// --- 已定稿: every control that would change the report is locked, not just refused ------

const isFinal = body.dataset.final === "1";
const FINAL_STATE = "已定稿：内容不能修改";

function lockFinal(root) {
  if (!isFinal) return;
  root.querySelectorAll("input, textarea, select, button").forEach((control) => {
    if (!control.closest("main") || control.closest("[data-final-ok]")) return;
    if (control.matches("[data-history]")) return; // reading the history changes nothing
    const typed = control.matches("textarea, input:not([type]), input[type=text], input[type=number], input[type=date]");
    if (typed) control.readOnly = true;
    else control.disabled = true;
    control.setAttribute("aria-disabled", "true");
    control.title = FINAL_STATE;
  });
  setState(FINAL_STATE, "locked");
}

function showConflict(message, status) {
  if (status === 423) { // final meanwhile (another tab): lock the page instead of a conflict
    conflicted = true;
    body.dataset.final = "1";
    const box = document.getElementById("conflict");
    if (box) { box.replaceChildren(el("span", "", message)); box.hidden = false; }
    setState(FINAL_STATE, "locked");
    return;
  }
  conflicted = true;
  const box = document.getElementById("conflict");
  if (!box) return;
  box.replaceChildren();
  box.append(el("span", "", message + " "));
  const reload = el("button", "", "刷新查看最新内容");
  reload.type = "button";
  reload.addEventListener("click", () => location.reload());
  box.append(reload);
  box.hidden = false;
  setState("未保存：有冲突", "bad");
}

async function postJSON(url, payload) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "application/json" },
    body: JSON.stringify(payload),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = { message: "服务器返回了无法识别的内容" }; }
  return { status: response.status, data };
}

// --- findings --------------------------------------------------------------------------

function renderFindings(findings) {
  document.querySelectorAll(".findings[data-live]").forEach((box) => {
    const filter = box.dataset.filter || "";
    const shown = filter ? findings.filter((f) => (f.tables || []).includes(filter)) : findings;
    box.replaceChildren();
    if (!shown.length) { box.append(el("p", "ok", "✓ 未发现问题")); return; }
    const list = el("ul");
    for (const f of shown) {
      const item = el("li", "finding " + f.severity);
      item.dataset.code = f.code;
      item.append(el("span", "sev", f.severity_label), el("span", "loc", f.location), el("span", "msg", f.message));
      if (f.hint) item.append(el("span", "hint", "建议：" + f.hint));
      list.append(item);
    }
    box.append(list);
  });
  document.querySelectorAll("td.flagged").forEach((td) => td.classList.remove("flagged"));
  for (const f of findings) {
    for (const key of f.keys || []) {
      const cell = document.querySelector('[data-cell="' + CSS.escape(key) + '"]');
      if (cell) cell.closest("td").classList.add("flagged");
    }
  }
}

function applyState(data) {
  body.dataset.version = data.version;
  for (const [key, text] of Object.entries(data.values || {})) {
    const node = document.querySelector('[data-cell="' + CSS.escape(key) + '"]');
    // never replace what the user is typing, has queued, or typed wrongly (shown to be corrected)
    if (!node || node === document.activeElement || pending.has(key) || node.classList.contains("invalid")) continue;
    if (node.tagName === "OUTPUT") node.textContent = text; else node.value = text;
  }
  renderFindings(data.findings || []);
  const badge = document.getElementById("finding-counts");
  if (badge) {
    badge.textContent = "错误 " + data.n_errors + " · 提示 " + data.n_warnings;
    badge.className = "badge " + (data.n_errors ? "bad" : "good");
  }
  document.querySelectorAll(".version-field").forEach((f) => { f.value = data.version; });
}

// --- autosave of [data-key] fields -------------------------------------------------------

// Autosaved forms have nothing to submit: Enter in a field must not reload the page.
// (A listener, not an inline onsubmit: the page's CSP allows no inline script.)
lockFinal(document);
document.querySelectorAll("form[data-autosave]").forEach((form) => {
  form.addEventListener("submit", (event) => event.preventDefault());
});

const pending = new Map();
let timer = null;
let inFlight = false;

function queue(field) {
  if (conflicted) return;
  pending.set(field.dataset.key, field.value);
  markValid(field);
  setState("有修改，即将保存…", "");
  clearTimeout(timer);
  timer = setTimeout(flush, 600);
}

// A cell refused by the server: marked for sight and for screen readers, with its message
// (naming table, row and column) tied to it by aria-describedby.
function cellErrorId(field) { return "error-" + field.dataset.key.replace(/[^A-Za-z0-9_-]/g, "-"); }

function markInvalid(field, message) {
  field.classList.add("invalid");
  field.setAttribute("aria-invalid", "true");
  field.title = message;
  const id = cellErrorId(field);
  let note = document.getElementById(id);
  if (!note) {
    note = el("span", "cell-error", "");
    note.id = id;
    field.after(note);
  }
  note.textContent = message;
  const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) field.setAttribute("aria-describedby", [...ids, id].join(" "));
}

function markValid(field) {
  field.classList.remove("invalid");
  field.removeAttribute("aria-invalid");
  field.removeAttribute("title");
  const note = document.getElementById(cellErrorId(field));
  if (note) note.remove();
  const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter((i) => i && i !== cellErrorId(field));
  if (ids.length) field.setAttribute("aria-describedby", ids.join(" ")); else field.removeAttribute("aria-describedby");
}

async function flush() {
  if (inFlight || conflicted || !pending.size) return;
  const changes = Object.fromEntries(pending);
  inFlight = true;
  setState("保存中…", "");
  let result;
  try {
    result = await postJSON("/api/reports/" + reportId + "/edit", { version: Number(body.dataset.version), changes });
  } catch (e) {
    inFlight = false;
    setState("未保存：连接中断，3 秒后重试（内容仍在页面上）", "bad");
    timer = setTimeout(flush, 3000);
    return;
  }
  inFlight = false;
  const { status, data } = result;
  if (status === 200) {
    for (const [key, value] of Object.entries(changes)) if (pending.get(key) === value) pending.delete(key);
    applyState(data);
    const notes = (data.notes || []).join("；");
    if (document.querySelector("[data-key].invalid")) setState("已保存其他修改；标红的格填写不正确，未保存" + (notes ? "。" + notes : ""), "bad");
    else setState("已保存 " + data.saved_at + (notes ? "。" + notes : ""), "good");
  } else if (status === 409 || status === 423) {
    showConflict(data.message, status);
  } else if (status === 422) {
    // Only the fields named in the answer are wrong: drop them, save the rest of the batch.
    let named = 0;
    for (const p of data.problems || []) {
      if (pending.delete(p.key)) named += 1;
      const field = document.querySelector('[data-key="' + CSS.escape(p.key) + '"]');
      if (field) markInvalid(field, p.location + "：" + p.message);
    }
    if (!named) for (const key of Object.keys(changes)) pending.delete(key);
    setState(data.message, "bad");
  } else {
    setState("未保存：" + (data.message || "服务器出错") + "（稍后自动重试）", "bad");
    timer = setTimeout(flush, 3000);
    return;
  }
  if (pending.size) timer = setTimeout(flush, 300);
}

document.addEventListener("input", (event) => {
  const field = event.target.closest("[data-key]");
  if (field && reportId) queue(field);
});
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-key]");
  if (field && reportId) { queue(field); clearTimeout(timer); flush(); }
});
window.addEventListener("beforeunload", (event) => {
  if (pending.size || inFlight) { event.preventDefault(); event.returnValue = ""; }
});

// --- drafting page -------------------------------------------------------------------------

let saveChain = Promise.resolve();
const sectionTimers = new Map();
const sectionDirty = new Set();

function genState(key, text, bad) {
  const node = document.querySelector('[data-gen-state="' + key + '"]');
  if (node) { node.textContent = text; node.className = "gen-state" + (bad ? " bad" : ""); }
}

function renderSectionFindings(key, findings) {
  const box = document.querySelector('[data-section-findings="' + key + '"]');
  if (!box) return;
  box.replaceChildren();
  if (!findings.length) { box.append(el("p", "ok", "✓ 本部分未发现问题")); return; }
  const list = el("ul");
  for (const f of findings) {
    const item = el("li", "finding " + f.severity);
    item.append(el("span", "sev", f.severity_label), el("span", "msg", f.message));
    if (f.hint) item.append(el("span", "hint", "建议：" + f.hint));
    list.append(item);
  }
  box.append(list);
}

function applySectionState(key, data) {
  body.dataset.version = Math.max(Number(body.dataset.version), data.version);
  if (data.origin) {
    let origin = document.querySelector('[data-origin="' + key + '"]');
    if (!origin) {
      origin = el("span", "origin");
      origin.dataset.origin = key;
      document.querySelector("#section-" + key + " h2").append(" ", origin);
    }
    origin.textContent = data.origin;
  }
  document.querySelectorAll(".version-field").forEach((f) => { f.value = data.version; });
  renderSectionFindings(key, data.section_findings || []);
  const badge = document.getElementById("finding-counts");
  if (badge) {
    badge.textContent = "错误 " + data.n_errors + " · 提示 " + data.n_warnings;
    badge.className = "badge " + (data.n_errors ? "bad" : "good");
  }
}

function saveSection(key) {
  saveChain = saveChain.then(async () => {
    if (conflicted || !sectionDirty.has(key)) return;
    const area = document.querySelector('[data-section-text="' + key + '"]');
    const text = area.value;
    setState("保存中…", "");
    let result;
    try {
      result = await postJSON("/api/reports/" + reportId + "/sections/" + key, { version: Number(body.dataset.version), text });
    } catch (e) {
      setState("未保存：连接中断，3 秒后重试（内容仍在页面上）", "bad");
      setTimeout(() => saveSection(key), 3000);
      return;
    }
    if (result.status === 200) {
      if (area.value === text) sectionDirty.delete(key);
      markHuman(key, true);
      applySectionState(key, result.data);
      setState("已保存 " + result.data.saved_at, "good");
    } else if (result.status === 409 || result.status === 423) {
      showConflict(result.data.message, result.status);
    } else {
      setState("未保存：" + (result.data.message || "服务器出错") + "（稍后自动重试）", "bad");
      setTimeout(() => saveSection(key), 3000);
    }
  });
  return saveChain;
}

document.addEventListener("input", (event) => {
  const area = event.target.closest("[data-section-text]");
  if (!area || conflicted) return;
  const key = area.dataset.sectionText;
  sectionDirty.add(key);
  setState("有修改，即将保存…", "");
  clearTimeout(sectionTimers.get(key));
  sectionTimers.set(key, setTimeout(() => saveSection(key), 1200));
});
document.addEventListener("focusout", (event) => {
  const area = event.target.closest && event.target.closest("[data-section-text]");
  if (area && sectionDirty.has(area.dataset.sectionText)) {
    clearTimeout(sectionTimers.get(area.dataset.sectionText));
    saveSection(area.dataset.sectionText);
  }
});
window.addEventListener("beforeunload", (event) => {
  if (sectionDirty.size) { event.preventDefault(); event.returnValue = ""; }
});

function markHuman(key, human) {
  const card = document.getElementById("section-" + key);
  if (card) card.dataset.human = human ? "1" : "0";
  const approve = document.querySelector('[data-approve="' + key + '"]');
  if (approve) approve.hidden = human;
  const nav = document.querySelector('[data-nav="' + key + '"] .nav-who');
  const area = document.querySelector('[data-section-text="' + key + '"]');
  if (nav && area) nav.textContent = !area.value.trim() ? "待起草" : (human ? "已人工修改" : "待人工审核");
}

async function approveSection(key) {
  if (sectionDirty.has(key)) await saveSection(key);
  if (conflicted) return;
  const result = await postJSON("/api/reports/" + reportId + "/sections/" + key + "/approve", { version: Number(body.dataset.version) });
  if (result.status === 200) {
    applySectionState(key, result.data);
    markHuman(key, true);
    genState(key, "已标记为人工审核通过", false);
  } else if (result.status === 409 || result.status === 423) showConflict(result.data.message, result.status);
  else genState(key, result.data.message || "未能标记", true);
}

// Text a person wrote or restored is never replaced without asking (the old text would stay
// in the history, but the clerk should decide).
function askBeforeReplacing(key, button) {
  const node = document.querySelector('[data-gen-state="' + key + '"]');
  if (!node) return;
  node.replaceChildren(el("span", "", "本部分有手工修改，重新生成会替换它（原文保留在历史版本中）。"));
  node.className = "gen-state bad";
  const go = el("button", "", "仍然重新生成");
  go.type = "button";
  go.dataset.confirmGenerate = key;
  go.addEventListener("click", () => { node.replaceChildren(); generate(key, button, true); });
  const cancel = el("button", "", "取消");
  cancel.type = "button";
  cancel.addEventListener("click", () => { node.replaceChildren(); node.className = "gen-state"; });
  node.append(" ", go, " ", cancel);
}

async function generate(key, button, confirmed) {
  const area = document.querySelector('[data-section-text="' + key + '"]');
  const instruction = document.querySelector('[data-instruction="' + key + '"]').value;
  const card = document.getElementById("section-" + key);
  const human = sectionDirty.has(key) || (card && card.dataset.human === "1");
  if (!confirmed && area.value.trim() && human) { askBeforeReplacing(key, button); return; }
  if (sectionDirty.has(key)) await saveSection(key);
  if (conflicted) return;
  button.disabled = true;
  genState(key, "正在生成…", false);
  const before = area.value;
  let response;
  try {
    response = await fetch("/api/reports/" + reportId + "/sections/" + key + "/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "text/event-stream" },
      body: JSON.stringify({ version: Number(body.dataset.version), instruction }),
    });
  } catch (e) {
    genState(key, "连接中断，未生成；原文未改动", true);
    button.disabled = false;
    return;
  }
  if (!response.ok || !response.body) {
    let message = "生成失败";
    try { message = (await response.json()).message || message; } catch (e) { /* keep default */ }
    genState(key, message, true);
    button.disabled = false;
    return;
  }
  area.classList.add("streaming");
  area.readOnly = true;
  area.dataset.chunks = 0;
  let streamed = "";
  let finished = false;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const handle = (event, data) => {
    if (event === "restart") { streamed = ""; area.value = ""; genState(key, data.message, true); }
    else if (event === "chunk") { area.dataset.chunks = Number(area.dataset.chunks || 0) + 1; streamed += data.text; area.value = streamed; area.scrollTop = area.scrollHeight; genState(key, "正在生成… 已写 " + streamed.length + " 字", false); }
    else if (event === "done") {
      finished = true;
      area.value = data.text;
      applySectionState(key, data);
      if (data.kind === "accepted") markHuman(key, false);
      genState(key, data.message, data.kind !== "accepted");
      button.textContent = "重新生成";
    } else if (event === "error") {
      finished = true;
      area.value = before;
      genState(key, data.message, true);
    }
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message";
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data) handle(event, JSON.parse(data));
      }
    }
  } catch (e) { /* handled below */ }
  if (!finished) { area.value = before; genState(key, "连接中断，生成未完成；原文未改动", true); }
  area.classList.remove("streaming");
  area.readOnly = false;
  button.disabled = false;
}

async function showHistory(key) {
  const box = document.querySelector('[data-history-box="' + key + '"]');
  if (!box.hidden) { box.hidden = true; return; }
  const response = await fetch("/api/reports/" + reportId + "/sections/" + key + "/history", { headers: { "Accept": "application/json" } });
  const data = await response.json();
  box.replaceChildren();
  if (!data.revisions.length) { box.append(el("p", "", "还没有历史版本。")); box.hidden = false; return; }
  const list = el("ul");
  for (const r of data.revisions) {
    const item = el("li", r.kind === "failed" ? "failed" : "");
    let label = r.saved_at + " · " + r.source + " · " + r.length + " 字";
    if (r.kind === "failed") label += " · 未采用：" + r.note;
    else if (r.note) label += " · " + r.note;
    item.append(el("span", "", label + " "));
    const diffButton = el("button", "", "与当前比较");
    diffButton.type = "button";
    diffButton.addEventListener("click", () => showDiff(item, r.id));
    const restoreButton = el("button", "", "恢复此版本");
    restoreButton.type = "button";
    restoreButton.addEventListener("click", () => restoreRevision(key, r.id));
    if (isFinal) { restoreButton.disabled = true; restoreButton.title = FINAL_STATE; }
    item.append(diffButton, " ", restoreButton);
    list.append(item);
  }
  box.append(list);
  box.hidden = false;
}

async function showDiff(item, revisionId) {
  const old = item.querySelector(".diff");
  if (old) { old.remove(); return; }
  const response = await fetch("/api/reports/" + reportId + "/revisions/" + revisionId + "/diff", { headers: { "Accept": "application/json" } });
  const data = await response.json();
  const box = el("div", "diff");
  box.append(el("div", "hint", "红色删除线：历史版本有、当前没有；绿色：当前新增"));
  for (const [op, text] of data.pieces) box.append(op === "=" ? document.createTextNode(text) : el(op === "+" ? "ins" : "del", "", text));
  item.append(box);
}

async function restoreRevision(key, revisionId) {
  if (sectionDirty.has(key)) await saveSection(key);
  if (conflicted) return;
  const result = await postJSON("/api/reports/" + reportId + "/revisions/" + revisionId + "/restore", { version: Number(body.dataset.version) });
  if (result.status === 200) {
    document.querySelector('[data-section-text="' + key + '"]').value = result.data.text;
    applySectionState(key, result.data);
    markHuman(key, true);
    genState(key, "已恢复所选版本", false);
    const box = document.querySelector('[data-history-box="' + key + '"]');
    box.hidden = true;
  } else if (result.status === 409 || result.status === 423) showConflict(result.data.message, result.status);
  else genState(key, result.data.message || "恢复失败", true);
}

document.addEventListener("click", (event) => {
  const gen = event.target.closest("[data-generate]");
  if (gen) { generate(gen.dataset.generate, gen); return; }
  const approve = event.target.closest("[data-approve]");
  if (approve) { approveSection(approve.dataset.approve); return; }
  const hist = event.target.closest("[data-history]");
  if (hist) showHistory(hist.dataset.history);
});

// --- chat box: sentence → proposed cells → confirm or discard -----------------------------

async function propose(button) {
  const text = document.getElementById("chat-text").value;
  const box = document.getElementById("chat-result");
  box.replaceChildren(el("p", "hint", "识别中…"));
  button.disabled = true;  // one sentence at a time: a model may take a while
  let result;
  try {
    result = await postJSON("/api/reports/" + reportId + "/tables/" + button.dataset.table + "/propose", { text });
  } catch (e) {
    result = { status: 0, data: { message: "无法连接服务器，识别失败，请稍后重试" } };
  } finally {
    button.disabled = false;
  }
  box.replaceChildren();
  if (result.status !== 200) { box.append(el("p", "problem", result.data.message || "识别失败")); return; }
  const { cells, unplaced, notes, parser } = result.data;
  const by = el("p", "hint", "识别方式：" + parser);
  by.id = "chat-parser";
  box.append(by);
  if (cells.length) {
    const table = el("table", "proposal");
    const head = el("tr");
    for (const title of ["单元格", "现值", "识别为", "依据原文"]) head.append(el("th", "", title));
    table.append(head);
    for (const c of cells) {
      const row = el("tr");
      row.append(el("td", "", c.location), el("td", "", c.current), el("td", "", c.value), el("td", "", c.source));
      table.append(row);
    }
    box.append(table);
  } else {
    box.append(el("p", "problem", "没有识别出可以填入本表的数字。"));
  }
  for (const u of unplaced) box.append(el("p", "unplaced", "未填入：" + u.text + "（" + u.reason + "）"));
  for (const n of notes) box.append(el("p", "hint", n));
  if (!cells.length) return;
  const confirm = el("button", "primary", "确认写入表格");
  confirm.type = "button";
  confirm.id = "chat-confirm";
  const discard = el("button", "", "放弃");
  discard.type = "button";
  discard.id = "chat-discard";
  discard.addEventListener("click", () => box.replaceChildren(el("p", "hint", "已放弃，表格未改动。")));
  confirm.addEventListener("click", async () => {
    for (const c of cells) {
      const field = document.querySelector('[data-key="' + CSS.escape(c.key) + '"]');
      if (field) field.value = c.value;
      pending.set(c.key, c.value);
    }
    clearTimeout(timer);
    await flush();
    box.replaceChildren(el("p", "ok", "已写入 " + cells.length + " 个单元格。"));
  });
  box.append(confirm, " ", discard);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("#chat-propose");
  if (button) propose(button);
});

async function draftAll(button) {
  const empty = [...document.querySelectorAll("[data-section-text]")].filter((a) => !a.value.trim());
  const state = document.getElementById("draft-all-state");
  if (!empty.length) { state.textContent = "没有空白部分；如需重写，请在对应部分点“重新生成”"; return; }
  button.disabled = true;
  let done = 0;
  state.textContent = "正在起草 0/" + empty.length;
  const keys = empty.map((a) => a.dataset.sectionText);
  const worker = async () => {
    while (keys.length) {
      const key = keys.shift();
      await generate(key, document.querySelector('[data-generate="' + key + '"]'));
      done += 1;
      state.textContent = "正在起草 " + done + "/" + empty.length;
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  state.textContent = "已起草 " + done + " 个部分，请逐段审核";
  button.disabled = false;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("#draft-all");
  if (button) draftAll(button);
});

// A click into a table cell selects its number, so typing replaces the 0 instead of adding to it.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("td.value input")) event.target.select();
});

// --- PDF: LibreOffice takes a few seconds; say so instead of a silent wait -----------------

document.querySelectorAll("[data-slow-download]").forEach((link) => {
  link.addEventListener("click", () => {
    const state = document.getElementById("pdf-state");
    if (state) state.textContent = "正在由 LibreOffice 转换为 PDF，约需几秒，完成后浏览器会开始下载…";
  });
});
