/*
 * Progressive enhancement for the request form (/aanvragen). No libraries.
 * Without this script the form works the same: the region options carry the counts
 * ("Zuid-Limburg (nog 3 van 4)") and the server checks everything.
 *
 * - When a region is chosen, the text under the list says how many dagdelen it has left
 *   (GET data-remaining-url?region_id=N -> {"remaining", "quota", "text"}), in a polite
 *   live region so screen readers hear it.
 * - A search box above the list narrows the regions as you type; with one match left,
 *   that region is chosen.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.ob-request-form");
  if (!form) {
    return;
  }
  var select = form.querySelector("#region_id");
  var output = document.getElementById("region-remaining");
  if (!select || !output) {
    return;
  }

  var remainingUrl = form.getAttribute("data-remaining-url");
  var emptyText = form.getAttribute("data-remaining-empty") || "";
  var requestCounter = 0;

  function showRemaining() {
    var regionId = select.value;
    var mine = ++requestCounter;
    if (!regionId) {
      output.textContent = emptyText;
      return;
    }
    if (!remainingUrl || !window.fetch) {
      return;
    }
    window
      .fetch(remainingUrl + "?region_id=" + encodeURIComponent(regionId), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        // Only the answer to the latest choice may change the text.
        if (mine === requestCounter && select.value === regionId && data && data.text) {
          output.textContent = data.text;
        }
      })
      .catch(function () {
        // The option label still shows the counts; nothing else to do.
      });
  }

  select.addEventListener("change", showRemaining);

  // ---- search box that filters the list of regions ----
  var field = select.closest(".utrecht-form-field");
  if (!field || !field.parentNode) {
    return;
  }
  var options = Array.prototype.slice.call(select.options);

  function normalise(text) {
    var value = String(text || "").toLowerCase();
    if (value.normalize) {
      value = value.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return value.replace(/\s+/g, " ").trim();
  }

  var wrapper = document.createElement("div");
  wrapper.className = "utrecht-form-field utrecht-form-field--text ob-field ob-region-filter";

  var labelBox = document.createElement("div");
  labelBox.className = "utrecht-form-field__label";
  var label = document.createElement("label");
  label.className = "utrecht-form-label";
  label.htmlFor = "region-filter";
  label.textContent = form.getAttribute("data-filter-label") || "";
  labelBox.appendChild(label);
  wrapper.appendChild(labelBox);

  var hint = document.createElement("div");
  hint.className = "utrecht-form-field-description utrecht-form-field__description ob-hint";
  hint.id = "region-filter-hint";
  hint.textContent = form.getAttribute("data-filter-hint") || "";
  wrapper.appendChild(hint);

  var inputBox = document.createElement("div");
  inputBox.className = "utrecht-form-field__input";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "region-filter";
  input.className = "utrecht-textbox utrecht-textbox--html-input ob-width-30";
  input.setAttribute("autocomplete", "off");
  input.setAttribute("spellcheck", "false");
  input.setAttribute("aria-describedby", "region-filter-hint region-filter-status");
  input.setAttribute("aria-controls", select.id);
  inputBox.appendChild(input);
  wrapper.appendChild(inputBox);

  var status = document.createElement("p");
  status.id = "region-filter-status";
  status.className = "utrecht-paragraph ob-hint";
  status.setAttribute("aria-live", "polite");
  wrapper.appendChild(status);

  field.parentNode.insertBefore(wrapper, field);

  // Enter in the search box must not send the form.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });

  input.addEventListener("input", function () {
    var query = normalise(input.value);
    var chosen = select.value;
    var matches = [];
    while (select.options.length) {
      select.remove(0);
    }
    options.forEach(function (option) {
      var isPlaceholder = !option.value;
      var hit = !query || normalise(option.text).indexOf(query) !== -1;
      if (isPlaceholder || hit || option.value === chosen) {
        select.add(option);
      }
      if (!isPlaceholder && hit) {
        matches.push(option);
      }
    });
    select.value = chosen;
    status.textContent = query && matches.length === 0 ? form.getAttribute("data-filter-none") || "" : "";
    if (query && matches.length === 1 && select.value !== matches[0].value) {
      select.value = matches[0].value;
      showRemaining();
    }
  });
})();
