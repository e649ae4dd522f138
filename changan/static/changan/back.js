// "Go back" on the refused-input page (changan/input_guard.py): the browser's
// own Back, which keeps what the person typed; the link's href is the fallback.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a[data-back]")) {
    link.addEventListener("click", (event) => {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  }
});
