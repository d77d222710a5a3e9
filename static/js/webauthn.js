// Security keys (WebAuthn), accounts/factors_keys.py: register a key on /account/factors/ and use
// one at login instead of typing a code. Shown only where the browser offers WebAuthn; the server
// checks everything (challenge, origin, signature, counter).
(() => {
  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  };
  const toText = (buffer) => {
    let binary = "";
    new Uint8Array(buffer).forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const csrf = (box) => (box.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const post = async (box, url, body) => {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf(box) },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  };
  const fail = (box, message) => {
    const error = box.querySelector("#key-error");
    error.textContent = message;
    error.hidden = false;
  };
  const descriptors = (list) => (list || []).map((d) => ({ ...d, id: toBytes(d.id) }));

  document.addEventListener("DOMContentLoaded", () => {
    const supported = Boolean(window.PublicKeyCredential && navigator.credentials);
    const unsupported = document.getElementById("key-unsupported");
    if (unsupported) unsupported.hidden = supported;
    if (!supported) return;

    const register = document.getElementById("key-register");
    if (register) {
      register.hidden = false;
      register.querySelector("#key-register-button").addEventListener("click", async () => {
        const asked = await post(register, register.dataset.optionsUrl);
        if (!asked.ok) return fail(register, asked.data.detail || String(asked.status));
        const options = asked.data;
        options.challenge = toBytes(options.challenge);
        options.user.id = toBytes(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        let credential;
        try {
          credential = await navigator.credentials.create({ publicKey: options });
        } catch (error) {
          return fail(register, error.message);
        }
        const answer = {
          id: credential.id, rawId: toText(credential.rawId), type: credential.type,
          response: {
            clientDataJSON: toText(credential.response.clientDataJSON),
            attestationObject: toText(credential.response.attestationObject),
            transports: credential.response.getTransports ? credential.response.getTransports() : [],
          },
          clientExtensionResults: credential.getClientExtensionResults(),
        };
        const name = register.querySelector("#key-name").value;
        const done = await post(register, register.dataset.registerUrl, { credential: answer, name });
        if (!done.ok) return fail(register, done.data.detail || String(done.status));
        window.location.reload();
      });
    }

    const login = document.getElementById("key-login");
    if (login) {
      login.hidden = false;
      login.querySelector("#key-login-button").addEventListener("click", async () => {
        const asked = await post(login, login.dataset.optionsUrl);
        if (asked.status === 403) { window.location.assign(login.dataset.restartUrl); return; }
        if (!asked.ok) return fail(login, asked.data.detail || String(asked.status));
        const options = asked.data;
        options.challenge = toBytes(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        let assertion;
        try {
          assertion = await navigator.credentials.get({ publicKey: options });
        } catch (error) {
          return fail(login, error.message);
        }
        const answer = {
          id: assertion.id, rawId: toText(assertion.rawId), type: assertion.type,
          response: {
            clientDataJSON: toText(assertion.response.clientDataJSON),
            authenticatorData: toText(assertion.response.authenticatorData),
            signature: toText(assertion.response.signature),
            userHandle: assertion.response.userHandle ? toText(assertion.response.userHandle) : null,
          },
          clientExtensionResults: assertion.getClientExtensionResults(),
        };
        const done = await post(login, login.dataset.loginUrl, { credential: answer });
        if (done.status === 403) { window.location.assign(login.dataset.restartUrl); return; }
        if (!done.ok) return fail(login, done.data.detail || String(done.status));
        window.location.assign(done.data.next);
      });
    }
  });
})();
