// Web Bluetooth for the patient's measurement page: connect to a health device, wait for
// its measurement (indication or notification) and send the characteristic's raw bytes,
// base64, to the server, which decodes them (one decoder, the server's). No decoding here.
(function () {
  "use strict";
  var section = document.getElementById("bluetooth");
  if (!section || !navigator.bluetooth) {
    return; // no Web Bluetooth (Firefox, Safari, iOS): the typed form stays
  }
  section.hidden = false;
  var status = section.querySelector("[data-testid=bt-status]");
  var endpoint = section.getAttribute("data-endpoint");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function say(text) {
    status.textContent = text;
  }

  function base64(view) {
    var bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) {
      text += String.fromCharCode(bytes[i]);
    }
    return window.btoa(text);
  }

  function send(characteristic, view) {
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf ? csrf.value : ""
      },
      body: JSON.stringify({ characteristic: characteristic, payload: base64(view) })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body.message || "Misura non accettata.");
        }
        window.location.assign(body.next);
      });
    });
  }

  function measure(service, characteristic) {
    var device;
    say("Scegli il dispositivo…");
    navigator.bluetooth
      .requestDevice({ filters: [{ services: [service] }] })
      .then(function (chosen) {
        device = chosen;
        say("Collegamento a " + (device.name || "dispositivo") + "…");
        return device.gatt.connect();
      })
      .then(function (server) {
        return server.getPrimaryService(service);
      })
      .then(function (gattService) {
        return gattService.getCharacteristic(characteristic);
      })
      .then(function (char) {
        char.addEventListener("characteristicvaluechanged", function (event) {
          say("Misura ricevuta, invio…");
          send(characteristic, event.target.value)
            .catch(function (error) {
              say(error.message);
            })
            .then(function () {
              if (device && device.gatt.connected) {
                device.gatt.disconnect();
              }
            });
        });
        say("Collegato: fai ora la misura.");
        return char.startNotifications();
      })
      .catch(function (error) {
        say("Bluetooth non riuscito (" + error.message + "): puoi scrivere i valori qui sotto.");
      });
  }

  section.querySelectorAll("button[data-service]").forEach(function (button) {
    button.addEventListener("click", function () {
      measure(
        Number(button.getAttribute("data-service")),
        Number(button.getAttribute("data-characteristic"))
      );
    });
  });
})();
