// What the staff pages share: calling the API, reading the server's event stream, logging in.
// Plain browser JavaScript, no build step and nothing from outside kiosk-hall.
"use strict";

const hallPages = (() => {
  const TOKEN_KEY = "kiosk-hall.staff-token";
  const STAFF_KEY = "kiosk-hall.staff-id";

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // Chinese first, English after it, smaller.
  function both(zh, en) {
    return el("span", {class: "both"}, zh, " ", el("span", {class: "en", lang: "en"}, en));
  }

  function say(node, zh, en, tone = "info") {
    node.replaceChildren(zh ? both(zh, en) : "");
    node.dataset.tone = tone;
  }

  const session = {
    get token() { return sessionStorage.getItem(TOKEN_KEY); },
    get staffId() { return sessionStorage.getItem(STAFF_KEY); },
    save(token, staffId) { sessionStorage.setItem(TOKEN_KEY, token); sessionStorage.setItem(STAFF_KEY, staffId); },
    clear() { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(STAFF_KEY); },
  };

  // {ok, status, data}; a network failure is status 0. Never throws.
  async function api(path, {method = "GET", body, token = session.token} = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const reply = await fetch(path, {method, headers, cache: "no-store",
                                       body: body === undefined ? undefined : JSON.stringify(body)});
      const text = await reply.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
      return {ok: reply.ok, status: reply.status, data};
    } catch (e) {
      return {ok: false, status: 0, data: null};
    }
  }

  // Read a server-sent event stream (fetch, so a staff token travels in a header, not the URL).
  // Reconnects by itself; a stream silent for three heartbeats is taken as dead and reopened.
  // handlers: {state, call, window, loads, heartbeat, ...: fn(data)}, plus
  // connected(bool) and unauthorized(). Returns stop().
  function listen(path, handlers, {token = null, silenceMs = 30000, retryMs = 2000} = {}) {
    let stopped = false, controller = null, bootId = null;
    const call = (name, data) => { try { handlers[name] && handlers[name](data); } catch (e) { console.error(e); } };

    async function once() {
      controller = new AbortController();
      let watchdog = null;
      const kick = () => { clearTimeout(watchdog); watchdog = setTimeout(() => controller.abort(), silenceMs); };
      try {
        kick();
        const reply = await fetch(path, {headers: token ? {Authorization: `Bearer ${token}`} : {},
                                         cache: "no-store", signal: controller.signal});
        if (reply.status === 401 || reply.status === 403) { stopped = true; call("unauthorized"); return; }
        if (!reply.ok || !reply.body) return;
        const reader = reply.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          kick();
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = "message", data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).trim();
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }
            if (!data) continue;
            const parsed = JSON.parse(data);
            if (parsed.boot_id) {
              if (bootId && parsed.boot_id !== bootId) call("restarted", parsed);
              bootId = parsed.boot_id;
            }
            if (name === "state") call("connected", true);
            call(name, parsed);
          }
        }
      } catch (e) {
        // aborted by the watchdog, or the network went: reconnect below
      } finally {
        clearTimeout(watchdog);
      }
    }

    (async () => {
      while (!stopped) {
        await once();
        if (stopped) break;
        call("connected", false);
        await new Promise(resolve => setTimeout(resolve, retryMs));
      }
    })();
    return () => { stopped = true; if (controller) controller.abort(); };
  }

  // The log-in form both staff pages use: the token goes to sessionStorage (gone with the tab).
  function loginForm({form, staffInput, passwordInput, message, onLoggedIn}) {
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say(message, "正在登录……", "Logging in…");
      const staffId = staffInput.value.trim();
      const reply = await api("/v1/staff/login", {method: "POST", token: null,
                                                  body: {staff_id: staffId, password: passwordInput.value}});
      button.disabled = false;
      passwordInput.value = "";
      if (reply.ok) {
        session.save(reply.data.token, staffId);
        say(message, "", "");
        onLoggedIn();
      } else if (reply.status === 429) {
        const until = (reply.data && reply.data.detail && reply.data.detail.until || "").slice(11, 16);
        say(message, `密码连续输错了几次，这个账号暂时锁定${until ? "到 " + until : ""}，请稍后再试。`,
            `Too many wrong passwords: this log-in is locked${until ? " until " + until : " for a few minutes"}. Please try again later.`,
            "warn");
      } else if (reply.status === 0) {
        say(message, "连不上叫号服务器，请稍后再试，或请管理员看一下。",
            "Cannot reach the hall server. Please try again shortly, or ask the administrator.", "warn");
      } else {
        say(message, "工号或密码不对，请再输入一次。", "The staff ID or password is not right. Please try again.", "warn");
        passwordInput.focus();
      }
    });
  }

  function minutes(n) {
    return n > 0 ? both(`约 ${n} 分钟`, `about ${n} min`) : both("马上", "now");
  }

  const KINDS = {accept: ["受理", "Application"], consult: ["咨询", "Enquiry"], pickup: ["取件", "Collection"]};

  return {el, both, say, session, api, listen, loginForm, minutes, KINDS};
})();
