// Behaviour carried by data- attributes, since the Content-Security-Policy allows no inline
// event handler (onchange=, onclick=). Delegated from the document, so it also works on
// fragments htmx swaps in.
//   data-submit-on-change  a field whose change submits its form (a filter)
//   data-print             a button that prints the page
document.addEventListener("change", (event) => {
  const field = event.target instanceof Element ? event.target.closest("[data-submit-on-change]") : null;
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (button) window.print();
});
