// /window: a staff member logs in, picks the window they sit at (remembered on this computer),
// then calls, calls again, completes, marks a no-show, sends a ticket to another group or changes
// its kind. The hall server is the only truth: after every action and every pushed hint the page
// reads the tickets again.
"use strict";

(() => {
  const {el, both, say, session, api, listen, loginForm, minutes, KINDS} = hallPages;
  const $ = id => document.getElementById(id);
  const WINDOW_KEY = "kiosk-hall.window";
  let hall = null, windowId = localStorage.getItem(WINDOW_KEY), current = null, stopListening = null;
  let busy = false, refreshTimer = null, shownTicket = null;

  function show(view) {
    for (const id of ["login-view", "choose-view", "work-view"]) $(id).hidden = id !== view;
    $("logout").hidden = view === "login-view";
    $("change-window").hidden = view !== "work-view";
  }

  function loggedOut(zh, en) {
    session.clear();
    if (stopListening) stopListening();
    stopListening = null;
    current = null;
    $("who").replaceChildren();
    $("title").replaceChildren(both("窗口叫号", "Window calling"));
    show("login-view");
    if (zh) say($("login-message"), zh, en, "warn");
    $("staff-id").focus();
  }

  const sessionEnded = () => loggedOut("登录已过期，请重新登录。", "Your session has ended. Please log in again.");

  async function start() {
    if (!session.token) return loggedOut();
    const reply = await api("/v1/hall");
    if (reply.status === 401 || reply.status === 403) return sessionEnded();
    if (!reply.ok) {
      show("login-view");
      return say($("login-message"), "连不上叫号服务器，请稍后刷新页面。",
                 "Cannot reach the hall server. Please reload the page in a moment.", "warn");
    }
    hall = reply.data;
    windowId = localStorage.getItem(WINDOW_KEY);
    $("who").replaceChildren(both(`工号 ${session.staffId}`, `staff ${session.staffId}`));
    if (!myWindow()) return chooseWindow();
    work();
  }

  const myWindow = () => hall && hall.windows.find(w => w.id === windowId);
  const groupOf = id => hall.groups.find(g => g.id === id) || {id, name: id, name_en: ""};

  function chooseWindow() {
    if (stopListening) stopListening();
    stopListening = null;
    show("choose-view");
    $("window-list").replaceChildren(...hall.windows.map(w => el("button", {
      "data-window": w.id,
      onclick: () => { windowId = w.id; localStorage.setItem(WINDOW_KEY, w.id); work(); },
    }, both(w.name, w.name_en), el("div", {class: "faint"}, groupOf(w.group).name))));
  }

  function work() {
    const mine = myWindow();
    show("work-view");
    $("title").replaceChildren(both(`${mine.name} · 叫号`, `${mine.name_en} · calling`));
    $("transfer-group").replaceChildren(...hall.groups.filter(g => g.id !== mine.group).map(
      g => el("option", {value: g.id}, g.name_en ? `${g.name} ${g.name_en}` : g.name)));
    say($("message"), "", "");
    if (stopListening) stopListening();
    stopListening = listen("/v1/events", {
      state: refreshSoon,
      loads: refreshSoon,
      call: event => { if (event.window_id === windowId) refreshSoon(); },
      window: event => { if (event.window_id === windowId) refreshSoon(); },
      help: event => say($("help-message"), `自助机 ${event.kiosk_id} 有市民需要帮助，请过去看看（${event.at.slice(11, 16)}）`,
                         `A citizen at kiosk ${event.kiosk_id} needs help (${event.at.slice(11, 16)})`, "warn"),
      connected: on => {
        $("live").dataset.on = on;
        $("live").replaceChildren(on ? both("● 实时更新", "live") : both("正在重新连接……", "reconnecting…"));
      },
      unauthorized: sessionEnded,
    }, {token: session.token});
    refresh();
  }

  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 100);
  }

  async function refresh() {
    const reply = await api("/v1/tickets");
    if (reply.status === 401 || reply.status === 403) return sessionEnded();
    if (!reply.ok) return;
    const mine = myWindow();
    if (!mine) return;
    current = reply.data.find(t => t.state === "called" && t.window === windowId) || null;
    const waiting = reply.data.filter(t => t.state === "waiting" && t.window_group === mine.group)
                              .sort((a, b) => a.people_ahead - b.people_ahead);
    showCurrent();
    showQueue(mine, waiting);
  }

  function kindLabel(kind) {
    const [zh, en] = KINDS[kind] || [kind, kind];
    return both(zh, en);
  }

  function showCurrent() {
    const number = $("current-number");
    number.textContent = current ? current.number : "—";
    number.classList.toggle("none", !current);
    $("current-detail").replaceChildren(current ? el("span", {},
      current.item_name, " · ", kindLabel(current.kind),
      current.priority ? el("span", {class: "tag"}, "优先 70+") : null,
      current.appointment_id ? el("span", {class: "tag"}, both("预约", "booked")) : null,
    ) : both("请按「叫号」请下一位", "Press Call next for the next person"));
    // The kind chooser starts at the ticket's kind, and is left alone while the same ticket is served.
    if (current && current.ticket_id !== shownTicket) $("convert-kind").value = current.kind;
    shownTicket = current ? current.ticket_id : null;
    setButtons();
  }

  function showQueue(mine, waiting) {
    const group = groupOf(mine.group);
    $("queue-group").replaceChildren(both(group.name, group.name_en));
    $("queue-count").replaceChildren(both(`等候中 ${waiting.length} 人`, `${waiting.length} waiting`));
    $("queue-list").replaceChildren(...(waiting.length ? waiting.slice(0, 60).map(t => el("li", {"data-number": t.number},
      el("span", {class: "number"}, t.number),
      el("span", {class: "item"}, t.item_name, " · ", kindLabel(t.kind),
         t.priority ? el("span", {class: "tag"}, "优先 70+") : null),
      el("span", {class: "faint"}, minutes(t.estimated_wait_min)))) :
      [el("li", {class: "empty"}, both("现在没有人等候", "No one is waiting"))]));
  }

  function setButtons() {
    const hasOtherGroup = $("transfer-group").options.length > 0;
    $("call-next").disabled = busy || !!current;
    for (const id of ["recall", "complete", "no-show", "convert"]) $(id).disabled = busy || !current;
    $("transfer").disabled = busy || !current || !hasOtherGroup;
  }

  function failed(reply) {
    const reason = reply.data && (reply.data.reason || (reply.data.detail && reply.data.detail.reason));
    if (reply.status === 0 || reply.status >= 500) {
      say($("message"), "连不上叫号服务器，请稍后再试。", "Cannot reach the hall server. Please try again shortly.", "warn");
    } else if (reason === "kind_not_offered") {
      say($("message"), "这个事项不提供这种号，请换一种。", "This service does not offer that kind of ticket. Please pick another.", "warn");
    } else if (reply.status === 404 || reply.status === 409) {
      say($("message"), "这个号已经办结或转走了，页面已经刷新。", "That ticket was already finished or sent on; the page is up to date now.", "warn");
    } else {
      say($("message"), "没有办成，请再试一次。", "That did not work. Please try once more.", "warn");
    }
  }

  async function act(path, body, done) {
    if (busy) return;
    busy = true;
    setButtons();
    const reply = await api(path, {method: "POST", body});
    busy = false;
    if (reply.status === 401 || reply.status === 403) return sessionEnded();
    if (reply.ok) done(reply.data); else failed(reply);
    await refresh();
  }

  $("call-next").addEventListener("click", () => act(`/v1/windows/${windowId}/call-next`, undefined, ticket => {
    if (ticket) say($("message"), `已叫 ${ticket.number} 号`, `Called ${ticket.number}`, "ok");
    else say($("message"), "现在没有人等候。", "No one is waiting just now.");
  }));
  $("recall").addEventListener("click", () => act(`/v1/windows/${windowId}/recall`, undefined, ticket =>
    say($("message"), `已重呼 ${ticket.number} 号`, `Called ${ticket.number} again`, "ok")));
  $("complete").addEventListener("click", () => act(`/v1/tickets/${current.ticket_id}/complete`, {no_show: false},
    ticket => say($("message"), `${ticket.number} 号已办结`, `${ticket.number} is done`, "ok")));
  $("no-show").addEventListener("click", () => act(`/v1/tickets/${current.ticket_id}/complete`, {no_show: true},
    ticket => say($("message"), `${ticket.number} 号未到，已过号`, `${ticket.number} didn't come and is passed over`, "ok")));
  $("transfer").addEventListener("click", () => {
    const group = groupOf($("transfer-group").value);
    act(`/v1/tickets/${current.ticket_id}/transfer`, {group_id: group.id, window_id: windowId}, ticket =>
      say($("message"), `${ticket.number} 号已转到${group.name}，保留原来的顺序`,
          `${ticket.number} is sent to ${group.name_en || group.name}, keeping its place`, "ok"));
  });
  $("convert").addEventListener("click", () => {
    const kind = $("convert-kind").value;
    act(`/v1/tickets/${current.ticket_id}/convert`, {kind}, ticket =>
      say($("message"), `${ticket.number} 号已换成${KINDS[kind][0]}号`,
          `${ticket.number} is now a ${KINDS[kind][1].toLowerCase()} ticket`, "ok"));
  });
  $("logout").addEventListener("click", () => loggedOut());
  $("change-window").addEventListener("click", chooseWindow);

  loginForm({form: $("login-form"), staffInput: $("staff-id"), passwordInput: $("password"),
             message: $("login-message"), onLoggedIn: start});
  start();
})();
