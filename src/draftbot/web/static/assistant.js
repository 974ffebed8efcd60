// draftbot web: the assistant panel beside every report page.
// Plain JavaScript; every text from the server is set with textContent, never as HTML.
"use strict";

(function () {
  const panel = document.getElementById("assistant");
  if (!panel) return;
  const log = document.getElementById("assistant-log");
  const input = document.getElementById("assistant-text");
  const send = document.getElementById("assistant-send");
  const base = "/api/reports/" + document.body.dataset.report + "/assistant";
  let loaded = false;

  function node(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  async function post(url, payload) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content,
          "Accept": "application/json",
        },
        body: JSON.stringify(payload),
        credentials: "same-origin",
      });
      let data = {};
      try { data = await response.json(); } catch (e) { data = { message: "服务器返回了无法识别的内容" }; }
      return { status: response.status, data };
    } catch (e) {
      return { status: 0, data: { message: "无法连接服务器，请稍后重试" } };
    }
  }

  function rulesLine(rules) {
    const line = node("p", "assistant-rules");
    line.append("依据：");
    rules.forEach((r, i) => {
      const a = node("a", "rule-link", r.id);
      a.href = r.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.title = r.title;
      a.dataset.rule = r.id;
      line.append(a);
      if (i < rules.length - 1) line.append("、");
    });
    return line;
  }

  function message(role, data) {
    const item = node("div", "assistant-msg " + role);
    item.append(node("div", "assistant-text", data.text || ""));
    for (const note of data.notes || []) item.append(node("p", "hint", note));
    if (data.rules && data.rules.length) item.append(rulesLine(data.rules));
    if (data.source && role === "assistant") item.append(node("p", "hint", "回答方式：" + data.source));
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function proposalBox(item, proposal) {
    const box = node("div", "assistant-proposal");
    const table = node("table", "proposal");
    const head = node("tr");
    for (const title of ["单元格", "修改前", "修改后"]) head.append(node("th", "", title));
    table.append(head);
    for (const c of proposal.changes) {
      const row = node("tr");
      row.append(node("td", "", c.location), node("td", "", c.before), node("td", "", c.after));
      table.append(row);
    }
    const ok = node("button", "primary", "确认修改");
    ok.type = "button";
    ok.className = "primary assistant-confirm";
    const no = node("button", "assistant-dismiss", "放弃");
    no.type = "button";
    const state = node("p", "assistant-state");
    state.setAttribute("role", "status");
    ok.addEventListener("click", async () => {
      ok.disabled = no.disabled = true;
      const result = await post(base + "/confirm", { proposal: proposal.id });
      if (result.status === 200) {
        if (typeof applyState === "function") applyState(result.data);
        state.textContent = result.data.message || "已修改并保存";
        state.className = "assistant-state ok";
      } else {
        state.textContent = result.data.message || "修改没有保存";
        state.className = "assistant-state problem";
      }
    });
    no.addEventListener("click", async () => {
      ok.disabled = no.disabled = true;
      await post(base + "/dismiss", { proposal: proposal.id });
      state.textContent = "已放弃，表格没有修改。";
    });
    box.append(table, ok, " ", no, state);
    item.append(box);
  }

  async function ask() {
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;  // one question at a time: a model may take a while
    message("clerk", { text });
    const waiting = node("p", "hint", "正在回答…");
    log.append(waiting);
    const result = await post(base + "/ask", { text });
    waiting.remove();
    send.disabled = false;
    if (result.status !== 200) {
      message("assistant", { text: result.data.message || "没有得到回答，请稍后重试" });
      return;  // keep what was typed in the box
    }
    input.value = "";
    const item = message("assistant", result.data);
    if (result.data.proposal) proposalBox(item, result.data.proposal);
    log.scrollTop = log.scrollHeight;
  }

  async function loadHistory() {
    if (loaded) return;
    loaded = true;
    const response = await fetch(base, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    for (const e of data.entries) {
      if (e.role === "clerk" || e.role === "assistant") message(e.role, e);
      else message("system", e);
    }
  }

  panel.addEventListener("toggle", () => { if (panel.open) loadHistory(); });
  send.addEventListener("click", ask);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) ask();
  });
})();
