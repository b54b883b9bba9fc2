// Progressive enhancement of the comment form of a paragraph: selecting words in the paragraph's text fills the
// "passage" field and the offsets of the selection into the paragraph's plain text. Without this script the
// person types or pastes the passage, or chooses a sentence; the server finds it in the text.
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("paragraph-text");
    var form = document.getElementById("comment-form");
    if (!box || !form) { return; }
    var quote = form.querySelector("[name=quote]");
    var start = form.querySelector("[name=start]");
    var end = form.querySelector("[name=end]");
    var hint = form.querySelector(".passage-form__hint");
    if (!quote || !start || !end) { return; }
    if (hint) { hint.hidden = false; }
    var text = box.getAttribute("data-paragraph-text") || "";
    box.addEventListener("mouseup", capture);
    box.addEventListener("keyup", capture);
    quote.addEventListener("input", function () { start.value = ""; end.value = ""; });

    function capture() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed) { return; }
      var selected = selection.toString().replace(/\s+/g, " ").trim();
      if (!selected) { return; }
      var at = offsetOf(selection);
      var found = at >= 0 && text.substr(at, selected.length) === selected ? at : text.indexOf(selected);
      quote.value = selected;
      if (found >= 0) {
        start.value = String(found);
        end.value = String(found + selected.length);
      } else {
        start.value = "";
        end.value = "";
      }
    }

    // The offset of the selection's start in the paragraph's plain text, if the text before it in the page is
    // the same (a paragraph); for lists and tables the server looks the quote up instead.
    function offsetOf(selection) {
      var range = selection.getRangeAt(0);
      var content = box.querySelector(".draft__content");
      if (!content || !content.contains(range.startContainer)) { return -1; }
      var before = document.createRange();
      before.setStart(content, 0);
      before.setEnd(range.startContainer, range.startOffset);
      return before.toString().length;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
