// After a vote, htmx swaps in the next statement: move the focus to it, so that keyboard and
// screen-reader users carry on from there (the region is also announced, aria-live).
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.target && event.target.id === "statement") {
    var next = event.target.querySelector(".statement, [role=status]");
    if (next) {
      next.setAttribute("tabindex", "-1");
      next.focus();
    }
  }
});
