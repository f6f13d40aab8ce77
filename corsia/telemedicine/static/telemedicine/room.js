/* The built-in televisit room: a peer-to-peer WebRTC call between the two participants,
   signalled through Corsia (POST a message, GET the other side's messages after the last
   one seen). The clinician (host) offers when the other participant (guest) says hello;
   the guest answers; ICE candidates trickle both ways. The room stops when Corsia says the
   televisit is closed. No inline script: the Content-Security-Policy allows none. */
(function () {
  'use strict';
  const el = document.querySelector('[data-televisit-room]');
  if (!el) return;
  const url = el.dataset.signalUrl;
  const side = el.dataset.side;
  const room = el.dataset.room;
  const ice = JSON.parse(el.dataset.ice || '[]');
  let after = parseInt(el.dataset.after || '0', 10) || 0;
  const statusEl = el.querySelector('[data-room-status]');
  const localVideo = el.querySelector('[data-local-video]');
  const remoteVideo = el.querySelector('[data-remote-video]');
  let pc = null;
  let stream = null;
  let pending = [];
  let started = false;
  let stopped = false;
  let firstPoll = true;
  // For the browser tests and for support: the connection as it is now.
  window.corsiaTelevisit = { peer: () => pc, remote: () => remoteVideo };

  const say = (text) => { statusEl.textContent = text; };

  async function send(kind, payload) {
    const answer = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': el.dataset.csrf },
      body: JSON.stringify({ room: room, kind: kind, payload: payload || {} }),
    });
    if (!answer.ok) throw new Error('signal refused: ' + answer.status);
  }

  function connectionChanged() {
    const state = pc ? pc.connectionState : 'new';
    if (state === 'connected') say('Collegato: videochiamata in corso.');
    else if (state === 'failed') say('Collegamento non riuscito: ricaricare la pagina.');
    else if (state === 'disconnected') say('Collegamento interrotto, attesa dell\'altro partecipante…');
  }

  function newPeer() {
    if (pc) pc.close();
    pending = [];
    pc = new RTCPeerConnection({ iceServers: ice });
    stream.getTracks().forEach((track) => pc.addTrack(track, stream));
    pc.onicecandidate = (event) => {
      if (event.candidate) send('candidate', event.candidate.toJSON()).catch(() => {});
    };
    pc.ontrack = (event) => {
      if (remoteVideo.srcObject !== event.streams[0]) remoteVideo.srcObject = event.streams[0];
    };
    pc.onconnectionstatechange = connectionChanged;
  }

  async function flush() {
    const waiting = pending;
    pending = [];
    for (const candidate of waiting) {
      try { await pc.addIceCandidate(candidate); } catch (e) { /* a stale candidate */ }
    }
  }

  async function handle(message) {
    const p = message.payload || {};
    if (message.kind === 'hello' && side === 'host') {
      newPeer();
      await pc.setLocalDescription(await pc.createOffer());
      await send('offer', { sdp: pc.localDescription.sdp });
      say('In attesa della risposta dell\'altro partecipante…');
    } else if (message.kind === 'offer' && side === 'guest') {
      newPeer();
      await pc.setRemoteDescription({ type: 'offer', sdp: p.sdp });
      await flush();
      await pc.setLocalDescription(await pc.createAnswer());
      await send('answer', { sdp: pc.localDescription.sdp });
    } else if (message.kind === 'answer' && side === 'host' && pc
        && pc.signalingState === 'have-local-offer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: p.sdp });
      await flush();
    } else if (message.kind === 'candidate') {
      if (!p.candidate) return;
      if (pc && pc.remoteDescription) {
        try { await pc.addIceCandidate(p); } catch (e) { /* a stale candidate */ }
      } else {
        pending.push(p);
      }
    } else if (message.kind === 'bye') {
      remoteVideo.srcObject = null;
      say('L\'altro partecipante ha lasciato la stanza.');
    }
  }

  async function start() {
    say('Accensione di videocamera e microfono…');
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    localVideo.srcObject = stream;
    started = true;
    if (side === 'guest') {
      await send('hello', {});
      say('In attesa dell\'altro partecipante…');
    } else {
      say('In attesa del paziente o del consulente…');
    }
  }

  function stop(text, ended) {
    stopped = true;
    if (pc) pc.close();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    say(text);
    if (ended) {
      el.querySelectorAll('[data-room-videos]').forEach((node) => { node.hidden = true; });
      document.querySelectorAll('[data-room-state]').forEach((node) => {
        node.textContent = 'Conclusa';
      });
    }
  }

  async function poll() {
    const answer = await fetch(url + '?after=' + after, { credentials: 'same-origin' });
    if (!answer.ok) {
      if (answer.status === 404) stop('Stanza non disponibile.');
      return;
    }
    const data = await answer.json();
    if (data.state === 'scheduled') {
      say('Il medico non ha ancora aperto la stanza.');
      return;
    }
    if (data.state !== 'open') {
      stop('La televisita è conclusa: la stanza è chiusa.', true);
      return;
    }
    if (!started) {
      // the patient's page was drawn before the room opened: it is open now
      document.querySelectorAll('[data-room-waiting]').forEach((node) => { node.hidden = true; });
      document.querySelectorAll('[data-room-state]').forEach((node) => {
        node.textContent = 'Stanza aperta';
      });
      await start();
    }
    let messages = data.messages;
    if (firstPoll && side === 'host') {
      // a clinician (re)entering answers only the guest's latest hello, not older sessions
      const lastHello = messages.map((m) => m.kind).lastIndexOf('hello');
      messages = lastHello >= 0 ? messages.slice(lastHello) : [];
    }
    firstPoll = false;
    for (const message of messages) await handle(message);
    after = data.last_id;
  }

  async function loop() {
    try {
      await poll();
    } catch (error) {
      if (error && error.name === 'NotAllowedError') {
        stop('Videocamera o microfono non consentiti: abilitarli nel browser e ricaricare.');
      } else {
        say('Problema di collegamento, nuovo tentativo…');
      }
    }
    if (!stopped) window.setTimeout(loop, 800);
  }
  loop();
}());
