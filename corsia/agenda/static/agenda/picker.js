// The booking form's patient picker, searching as you type (an enhancement: without
// JavaScript the search form is a plain GET and works as it is). The search box becomes an
// ARIA 1.2 combobox: typing (3 characters or more, 300 ms after the last key) asks the
// registry's search API (the same search, scope and access log as the form); the patients
// found are a listbox under the box. ↓/↑ move the active option (aria-activedescendant:
// the focus stays in the box), Enter on an active option chooses it, Esc closes the list,
// Enter with no active option submits the form as without JavaScript. Choosing a patient
// loads the booking form with that patient only (the search by MRN), so what is booked is
// always the server's page. A polite live region says how many were found.
(() => {
  const box = document.querySelector("[data-picker-url]");
  if (!box) return;
  const form = box.form;
  const list = document.createElement("ul");
  const status = document.createElement("p");
  list.id = `${box.id}-list`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", box.dataset.pickerLabel || "");
  list.className = "list-group agenda-picker";
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  box.insertAdjacentElement("afterend", list);
  list.insertAdjacentElement("afterend", status);
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-expanded", "false");
  let options = [];
  let active = -1;
  let timer = 0;
  let asked = 0;
  const close = () => {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const activate = (index) => {
    options.forEach((o, i) => {
      o.setAttribute("aria-selected", String(i === index));
      o.classList.toggle("active", i === index);
    });
    active = index;
    if (index < 0) box.removeAttribute("aria-activedescendant");
    else {
      box.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (option) => {
    box.value = option.dataset.mrn;
    close();
    form.requestSubmit ? form.requestSubmit() : form.submit();
  };
  const show = (patients) => {
    list.replaceChildren();
    options = patients.slice(0, 20).map((p, i) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "list-group-item list-group-item-action";
      li.dataset.mrn = p.mrn;
      const born = p.date_of_birth.split("-").reverse().join("/");
      li.textContent = `${p.surname} ${p.given_names} · ${born} · ${p.mrn}${p.codice_fiscale ? ` · ${p.codice_fiscale}` : ""}`;
      li.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
      li.addEventListener("click", () => choose(li));
      list.append(li);
      return li;
    });
    const n = options.length;
    status.textContent = n === 0 ? box.dataset.pickerNone : n === 1 ? box.dataset.pickerOne : box.dataset.pickerMany.replace("%s", n);
    list.hidden = n === 0;
    box.setAttribute("aria-expanded", String(n > 0));
    activate(-1);
  };
  const search = async () => {
    const text = box.value.trim();
    if (text.length < 3) {
      close();
      status.textContent = "";
      return;
    }
    const mine = ++asked;
    try {
      const url = `${box.dataset.pickerUrl}?q=${encodeURIComponent(text)}`;
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (mine !== asked || !answer.ok) return; // a later search, or refused: the form still works
      show(await answer.json());
    } catch (error) {
      // the network hiccuped: the plain search form still works
    }
  };
  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  box.addEventListener("keydown", (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      activate((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      activate(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  box.addEventListener("blur", () => window.setTimeout(close, 150));
})();
