// tieup review: keyboard shortcuts for the common path, and nothing else.
// Inbox: j/k move, o or Enter opens. Event: c confirm, r reject, e correct, n next pending,
// u back to the inbox. Keys are ignored while typing in a field.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName));
  }
  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  var selected = rows.length ? 0 : -1;
  function select(index) {
    if (!rows.length) { return; }
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    rows[selected].scrollIntoView({block: "nearest", inline: "nearest"});
  }
  if (rows.length) { select(0); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var page = document.body.getAttribute("data-page");
    var key = event.key;
    if (page === "inbox") {
      if (key === "j") { select(selected + 1); }
      else if (key === "k") { select(selected - 1); }
      else if ((key === "o" || key === "Enter") && selected >= 0) { window.location.href = rows[selected].getAttribute("data-href"); }
      else { return; }
    } else if (page === "event") {
      if (key === "c") { submit("confirm-form"); }
      else if (key === "r") { submit("reject-form"); }
      else if (key === "e") { var first = document.querySelector("#correct-form input[name=party]"); if (first) { first.focus(); } }
      else if (key === "n" || key === "j") { var next = document.getElementById("next-pending"); if (next) { window.location.href = next.href; } }
      else if (key === "u") { window.location.href = document.querySelector("[data-key=u]").href; }
      else { return; }
    } else { return; }
    event.preventDefault();
  });
})();
