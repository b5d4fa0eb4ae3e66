/*
 * The portal pages' passkey button (views/passkey-pages.ts): runs the WebAuthn
 * ceremony with @simplewebauthn/browser (the global SimpleWebAuthnBrowser of its
 * bundle) and submits the browser's answer in an ordinary form. A cancelled or
 * failed ceremony leaves the button ready for another try; a browser without
 * WebAuthn keeps the button hidden and says what to do instead.
 */
(() => {
  const dataElement = document.getElementById('passkey-data');
  const button = document.getElementById('passkey-button');
  const status = document.getElementById('passkey-status');
  const form = document.getElementById('passkey-form');
  const library = window.SimpleWebAuthnBrowser;
  if (!dataElement || !button || !status || !form) return;
  const data = JSON.parse(dataElement.textContent || '{}');
  if (!library?.browserSupportsWebAuthn()) {
    status.textContent = data.messages.unsupported;
    return;
  }
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = data.messages.working;
    try {
      const answer =
        data.mode === 'register'
          ? await library.startRegistration({ optionsJSON: data.options })
          : await library.startAuthentication({ optionsJSON: data.options });
      form.querySelector('input[name="response"]').value = JSON.stringify(answer);
      form.submit();
    } catch (error) {
      button.disabled = false;
      const cancelled = error && (error.name === 'NotAllowedError' || error.name === 'AbortError');
      status.textContent = cancelled ? data.messages.cancelled : data.messages.failed;
      button.focus();
    }
  });
})();
