// /display: the hall's board. The newest call is the big gold panel, the other windows' last
// calls are listed beside it, the announcement is written out and a two-tone chime sounds.
// It listens to /display/events (no login: public data only); every (re)connection starts with
// the full state, and the state is read again every minute anyway, so a lost event costs nothing.
"use strict";

(() => {
  const {el, both, listen} = hallPages;
  const $ = id => document.getElementById(id);
  const RECENT = 4;                                   // rows beside the newest call
  const boards = new Map();                            // window id → {number, window_name, serving, seq, ...}
  let newestShown = null;                           // the board in the big panel
  // For the tests and the tour: what was shown when, and how many chimes sounded.
  const seen = window.hallDisplay = {shown: [], chimes: 0, spoken: [], connected: false, states: 0};

  // ------------------------------------------------------------------ the chime
  let audio = null;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    } catch (e) { return; }
    if (audio.state === "suspended") audio.resume();
    if (audio.state !== "running") { $("sound").hidden = false; return; }
    const start = audio.currentTime + 0.02;
    [[784, 0], [587, 0.55]].forEach(([frequency, at]) => {          // G5 then D5: "ding-dong"
      const tone = audio.createOscillator(), volume = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, start + at);
      volume.gain.exponentialRampToValueAtTime(0.35, start + at + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + at + 1.1);
      tone.connect(volume).connect(audio.destination);
      tone.start(start + at);
      tone.stop(start + at + 1.2);
    });
    seen.chimes += 1;
  }
  // ------------------------------------------------------------------ the call, said aloud
  // After the ding-dong, the server's offline voice says the call (请 A 零幺二 号到四号窗口办理).
  // A newer call interrupts an older one; a server without espeak-ng leaves the chime alone.
  let voice = null;
  function speak(call) {
    if (voice) voice.pause();
    const said = {number: call.number, window_id: call.window_id, played: false, error: ""};
    seen.spoken.push(said);
    voice = new Audio(`/display/speech/${encodeURIComponent(call.window_id)}/${encodeURIComponent(call.number)}.wav`);
    voice.addEventListener("playing", () => { said.played = true; said.duration_s = voice.duration; });
    voice.addEventListener("error", () => { said.error = "unavailable"; });
    setTimeout(() => voice.play().catch(e => { said.error = said.error || e.name; }), 1300);   // after the chime
  }

  $("sound").addEventListener("click", () => {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume().then(() => { $("sound").hidden = true; });
  });

  // ------------------------------------------------------------------ drawing
  function render() {
    const all = [...boards.values()].sort((a, b) => b.seq - a.seq || (b.serving - a.serving));
    const newest = all.length ? all[0] : null;
    const panel = $("newest");
    panel.dataset.empty = !newest;
    $("newest-number").textContent = newest ? newest.number : "—";
    $("newest-window").textContent = newest ? newest.window_name : "—";
    $("newest-window-en").textContent = newest ? `please go to ${newest.window_name_en}` : "please wait to be called";
    panel.dataset.window = newest ? newest.window_id : "";
    const rest = all.slice(1, 1 + RECENT);
    $("recent").replaceChildren(...(rest.length ? rest.map(b => el("li", {"data-window": b.window_id, "data-serving": String(b.serving)},
      el("span", {class: "number"}, b.number),
      el("span", {class: "where"}, b.window_name, el("span", {class: "en"}, b.window_name_en)))) :
      [el("li", {class: "empty"}, both("暂无其他叫号", "No other numbers called yet"))]));
    newestShown = newest;
    // Only whole rows: drop those the screen has no room for.
    const list = $("recent"), recent = list.parentElement;
    const room = recent.getBoundingClientRect().bottom - parseFloat(getComputedStyle(recent).paddingBottom);
    while (list.children.length > 1 && list.lastElementChild.getBoundingClientRect().bottom > room) {
      list.lastElementChild.remove();
    }
  }

  function announce(zh, en) {
    $("announcement-zh").textContent = zh;
    $("announcement-en").textContent = en;
  }

  function renderLoads(loads) {
    $("loads").replaceChildren(...loads.filter(g => g.open_windows > 0).map(g => el("div", {class: "load", "data-group": g.group_id},
      el("div", {class: "zh"}, el("span", {class: "name"}, g.name), el("b", {}, g.waiting), " 人",
         g.waiting ? ` · 约 ${g.estimated_wait_min} 分钟` : ""),
      el("div", {class: "en"}, `${g.name_en || g.group_id} · ${g.waiting} waiting`,
         g.waiting ? ` · ~${g.estimated_wait_min} min` : ""))));
  }

  function flash() {
    const panel = $("newest");
    panel.classList.remove("flash");
    void panel.offsetWidth;                                // restart the animation
    panel.classList.add("flash");
  }

  // ------------------------------------------------------------------ the stream
  function showState(state) {
    boards.clear();
    for (const b of state.windows) boards.set(b.window_id, b);
    renderLoads(state.loads);
    render();
    if (newestShown && newestShown.serving) announce(newestShown.text_zh, newestShown.text_en);
    seen.states += 1;
  }

  function onCall(call) {
    boards.set(call.window_id, call);
    render();
    announce(call.text_zh, call.text_en);
    flash();
    chime();
    speak(call);
    seen.shown.push({number: call.number, window_id: call.window_id, recall: call.recall, at: Date.now()});
  }

  function onWindow(update) {
    const known = boards.get(update.window_id);
    if (known && known.number === update.number) {
      boards.set(update.window_id, {...known, serving: update.serving});
      render();
    }
  }

  async function hallName() {
    try {
      const hall = await (await fetch("/display/hall", {cache: "no-store"})).json();
      $("hall-name").textContent = hall.hall.name || "政务服务大厅";
      $("hall-name-en").textContent = hall.hall.name_en || "";
    } catch (e) { /* the board works without its name */ }
  }

  listen("/display/events", {
    state: showState,
    call: onCall,
    window: onWindow,
    loads: renderLoads,
    restarted: () => location.reload(),              // a new server: perhaps new pages too
    connected: on => {
      seen.connected = on;
      $("link").dataset.on = on;
      $("link").replaceChildren(on ? "" : both("正在重新连接……", "Reconnecting…"));
      if (on) hallName();
    },
  });

  setInterval(async () => {                          // push is a hint: read the whole state now and then
    try {
      const reply = await fetch("/display/state", {cache: "no-store"});
      if (reply.ok) showState(await reply.json());
    } catch (e) { /* the stream's reconnect will say so */ }
  }, 60000);

  window.addEventListener("resize", render);

  function tick() {
    const now = new Date();
    $("clock").textContent = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  }
  tick();
  setInterval(tick, 5000);
})();
