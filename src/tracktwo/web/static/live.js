// Live discussion: relay only; nothing is stored in the page beyond what is on screen.
(function () {
  "use strict";
  var form = document.getElementById("say");
  if (!form) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var socket = new WebSocket(scheme + window.location.host + form.dataset.socket);
  var present = document.getElementById("present");
  var messages = document.getElementById("messages");
  socket.addEventListener("message", function (event) {
    var payload = JSON.parse(event.data);
    if (payload.type === "presence") {
      present.replaceChildren();
      payload.present.forEach(function (label) {
        var item = document.createElement("li");
        item.textContent = label;
        present.appendChild(item);
      });
    } else if (payload.type === "message") {
      var line = document.createElement("li");
      line.textContent = payload.from + ": " + payload.text;
      messages.appendChild(line);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("input[name=text]");
    if (input.value.trim() && socket.readyState === WebSocket.OPEN) {
      socket.send(input.value);
      input.value = "";
    }
  });
  document.body.dataset.live = "connecting";
  socket.addEventListener("open", function () { document.body.dataset.live = "open"; });
}());
