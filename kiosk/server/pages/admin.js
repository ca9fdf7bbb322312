// /admin: the hall at a glance for whoever runs it: window groups and their queues, windows and
// the number each is serving, kiosks with their tokens and their devices as each kiosk reported
// them. Read-only; redrawn on every pushed hint and every half minute.
"use strict";

(() => {
  const {el, both, say, session, api, listen, loginForm, minutes} = hallPages;
  const $ = id => document.getElementById(id);
  const STATES = {ok: ["正常", "OK"], warning: ["注意", "Warning"], fault: ["故障", "Fault"], absent: ["未接", "Not connected"]};
  let hall = null, stopListening = null, timer = null, poller = null;

  function loggedOut(zh, en) {
    session.clear();
    if (stopListening) stopListening();
    clearInterval(poller);
    stopListening = null;
    $("who").replaceChildren();
    $("admin-view").hidden = true;
    $("logout").hidden = true;
    $("login-view").hidden = false;
    if (zh) say($("login-message"), zh, en, "warn");
    $("staff-id").focus();
  }
  const sessionEnded = () => loggedOut("登录已过期，请重新登录。", "Your session has ended. Please log in again.");

  async function start() {
    if (!session.token) return loggedOut();
    const reply = await api("/v1/hall");
    if (reply.status === 401 || reply.status === 403) return sessionEnded();
    if (!reply.ok) return say($("login-message"), "连不上叫号服务器，请稍后刷新页面。",
                              "Cannot reach the hall server. Please reload the page in a moment.", "warn");
    hall = reply.data;
    $("title").replaceChildren(both(`${hall.hall.name} · 大厅管理`, `${hall.hall.name_en || "Hall"} admin`));
    $("who").replaceChildren(both(`工号 ${session.staffId}`, `staff ${session.staffId}`));
    $("login-view").hidden = true;
    $("admin-view").hidden = false;
    $("logout").hidden = false;
    if (stopListening) stopListening();
    stopListening = listen("/v1/events", {
      state: soon, loads: soon, call: soon, window: soon, kiosk_health: soon, catalogue: reloaded,
      kiosk_command: soon, kiosk_command_result: soon,
      help: event => say($("help-message"), `自助机 ${event.kiosk_id} 有市民需要帮助，请派人过去（${event.at.slice(11, 16)}）`,
                         `A citizen at kiosk ${event.kiosk_id} needs help (${event.at.slice(11, 16)})`, "warn"),
      connected: on => {
        $("live").dataset.on = on;
        $("live").replaceChildren(on ? both("● 实时更新", "live") : both("正在重新连接……", "reconnecting…"));
      },
      unauthorized: sessionEnded,
    }, {token: session.token});
    clearInterval(poller);
    poller = setInterval(refresh, 30000);
    refresh();
  }

  // The hall's files were reloaded (here or from another admin page): its windows and groups anew.
  async function reloaded() {
    const reply = await api("/v1/hall");
    if (reply.ok) hall = reply.data;
    soon();
  }

  async function reload() {
    $("reload").disabled = true;
    const reply = await api("/v1/admin/reload", {method: "POST"});
    $("reload").disabled = false;
    if (reply.status === 401 || reply.status === 403) return sessionEnded();
    if (reply.status === 422) return say($("reload-message"), `文件有误，没有载入，大厅照旧使用原来的配置：${reply.data.detail}`,
                                         `Not loaded: the file has a mistake; the hall goes on as before. ${reply.data.detail}`, "warn");
    if (!reply.ok) return say($("reload-message"), "连不上叫号服务器，请稍后再试。", "Cannot reach the hall server. Please try again.", "warn");
    say($("reload-message"), reply.data.changed ? `已载入：共 ${reply.data.items} 个事项，各自助机马上更新。` : "文件没有改动，配置照旧。",
        reply.data.changed ? `Loaded: ${reply.data.items} items; every kiosk updates now.` : "The files have not changed.");
    reloaded();
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  const when = iso => iso ? iso.replace("T", " ").slice(0, 16) : "—";

  async function refresh() {
    const [loads, tickets, kiosks, conflicts, catalogue] = await Promise.all(
      [api("/v1/group-loads"), api("/v1/tickets"), api("/v1/admin/kiosks"), api("/v1/conflicts"), api("/v1/catalogue")]);
    if ([loads, tickets, kiosks, conflicts].some(r => r.status === 401 || r.status === 403)) return sessionEnded();
    if (catalogue.ok) {
      const items = catalogue.data.categories.reduce((n, c) => n + c.items.length, 0);
      $("catalogue-now").replaceChildren(both(`现用配置 ${catalogue.data.version}：${catalogue.data.categories.length} 类 ${items} 个事项，${catalogue.data.windows.length} 个窗口`,
                                              `in use: ${items} items, ${catalogue.data.windows.length} windows`));
    }
    if (loads.ok) showGroups(loads.data);
    if (tickets.ok) showWindows(tickets.data);
    if (kiosks.ok) showKiosks(kiosks.data);
    if (conflicts.ok) showConflicts(conflicts.data);
  }

  // What offline tickets brought that no kiosk could check alone (reasons as the hall journals them).
  function showConflicts(conflicts) {
    $("conflicts-card").hidden = conflicts.length === 0;
    $("conflicts").replaceChildren(...conflicts.map(c => el("tr", {"data-conflict": c.number},
      el("td", {}, el("b", {}, c.number)), el("td", {}, c.kiosk), el("td", {}, when(c.at)),
      el("td", {}, c.reason_zh ? both(c.reason_zh, c.reason) : c.reason))));
  }

  function showGroups(loads) {
    const en = Object.fromEntries(hall.groups.map(g => [g.id, g.name_en]));
    $("groups").replaceChildren(...loads.map(g => el("tr", {"data-group": g.group_id},
      el("td", {}, both(g.name, en[g.group_id] || "")),
      el("td", {class: "num"}, g.open_windows),
      el("td", {class: "num"}, g.waiting),
      el("td", {class: "nowrap"}, g.waiting ? minutes(g.estimated_wait_min) : "—"))));
  }

  function showWindows(tickets) {
    const serving = Object.fromEntries(tickets.filter(t => t.state === "called" && t.window).map(t => [t.window, t]));
    const groups = Object.fromEntries(hall.groups.map(g => [g.id, g]));
    $("windows").replaceChildren(...hall.windows.map(w => el("tr", {"data-window": w.id},
      el("td", {}, both(w.name, w.name_en)),
      el("td", {}, (groups[w.group] || {name: w.group}).name),
      el("td", {}, serving[w.id] ? el("b", {}, serving[w.id].number) : el("span", {class: "faint"}, "—")))));
  }

  function showKiosks(kiosks) {
    $("kiosks").replaceChildren(...(kiosks.length ? kiosks.map(k => el("tr", {"data-kiosk": k.kiosk_id},
      el("td", {}, el("b", {}, k.kiosk_id)),
      el("td", {class: "num"}, both(`${k.active_tokens} 个有效 / 共 ${k.tokens} 个`, `${k.active_tokens} active of ${k.tokens}`)),
      el("td", {}, when(k.created_at)),
      el("td", {}, when(k.revoked_at)),
      el("td", {}, k.health ? el("ul", {class: "devices"}, ...k.health.devices.map(d => {
        const [zh, en] = STATES[d.state] || [d.state, d.state];
        return el("li", {"data-role": d.role, "data-state": d.state}, el("span", {class: `dot ${d.state}`}),
                  el("b", {}, d.role), " ", d.name ? el("span", {class: "faint"}, d.name) : null, " · ", both(zh, en),
                  d.reason_zh ? el("div", {class: "faint"}, d.reason_zh) : null);
      })) : el("span", {class: "faint"}, both("还没有报告", "no report yet"))),
      el("td", {}, k.health ? [when(k.health.at), k.health.version ? el("div", {class: "faint"}, `v${k.health.version}`) : null] : "—"),
      el("td", {}, lockCell(k)),
      el("td", {}, remoteCell(k)))) :
      [el("tr", {}, el("td", {colspan: 8, class: "faint"}, both("还没有自助机令牌", "No kiosk tokens yet")))]));
  }

  // Ask a kiosk for a test print or a restart; the server journals who asked and what the kiosk
  // answered (the last three are listed).
  const ASKED = {test_print: ["测试打印", "Test print"], restart: ["重启", "Restart"]};
  const ANSWERED = {asked: ["等待自助机", "waiting for the kiosk"], done: ["完成", "done"], failed: ["未完成", "not done"]};
  function remoteCell(k) {
    const ask = command => {
      const button = el("button", {type: "button", class: "quiet", "data-command": command}, both(...ASKED[command]));
      button.addEventListener("click", async () => {
        if (command === "restart" && !confirm(`重启自助机 ${k.kiosk_id}？ Restart kiosk ${k.kiosk_id}?`)) return;
        const reply = await api(`/v1/kiosks/${k.kiosk_id}/commands`, {method: "POST", body: {command}});
        if (reply.status === 401 || reply.status === 403) return sessionEnded();
        refresh();
      });
      return button;
    };
    return el("div", {}, ask("test_print"), " ", ask("restart"),
      el("ul", {class: "commands"}, ...(k.commands || []).map(c => el("li", {"data-state": c.state},
        `${c.asked_at.slice(11, 16)} ${ASKED[c.command][0]}（${c.asked_by}）：${ANSWERED[c.state][0]}`,
        c.result ? el("span", {class: "faint"}, ` ${c.result}`) : null))));
  }

  // Take a kiosk out of use (its home screen says why: the reason above the table, which the
  // table's redraws leave alone) or put it back; the kiosk hears it at once.
  function lockCell(k) {
    const button = el("button", {type: "button", class: k.lock ? "" : "quiet"},
                      k.lock ? both("恢复使用", "Put back in use") : both("暂停使用", "Take out of use"));
    button.addEventListener("click", async () => {
      const reply = k.lock ? await api(`/v1/kiosks/${k.kiosk_id}/unlock`, {method: "POST"})
                           : await api(`/v1/kiosks/${k.kiosk_id}/lock`, {method: "POST",
                                                                         body: {reason: $("lock-reason").value}});
      if (reply.status === 401 || reply.status === 403) return sessionEnded();
      refresh();
    });
    return k.lock ? el("div", {"data-lock": "on"}, el("b", {}, both(`已暂停：${k.lock.reason}`, "out of use")), button)
                  : el("div", {"data-lock": "off"}, button);
  }

  $("logout").addEventListener("click", () => loggedOut());
  $("reload").addEventListener("click", reload);
  loginForm({form: $("login-form"), staffInput: $("staff-id"), passwordInput: $("password"),
             message: $("login-message"), onLoggedIn: start});
  start();
})();
