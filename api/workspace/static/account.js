// The account page's as-of slider: moving it sets the date; letting go re-draws the account.
(function () {
  const slider = document.getElementById("as-of-slider");
  const date = document.getElementById("as-of");
  if (!slider || !date) return;
  const opened = new Date(slider.dataset.opened + "T00:00:00Z");
  const dayOf = (offset) => new Date(opened.getTime() + offset * 86400000).toISOString().slice(0, 10);
  slider.addEventListener("input", () => { date.value = dayOf(Number(slider.value)); });
  slider.addEventListener("change", () => { date.value = dayOf(Number(slider.value)); date.form.submit(); });
  date.addEventListener("change", () => {
    const offset = Math.round((new Date(date.value + "T00:00:00Z") - opened) / 86400000);
    if (!Number.isNaN(offset)) slider.value = String(offset);
  });
})();
