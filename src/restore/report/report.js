/* The review report: highlights, evidence, filters, accept/reject, project rules ("never change
 * this", "always make this change"), names spelled two ways, and the decisions export.
 * An item a reviewer sets is exported with decided: true (restore learn learns only from those);
 * the two rule buttons add rule: "never" | "always".
 * All document text reaches the page through textContent, never as markup.
 * Offsets in the data are code points (Python); strings are split with Array.from to match. */
(function () {
  "use strict";

  var KINDS = ["layout", "punct", "script", "entity", "char"];
  var data = JSON.parse(document.getElementById("restore-data").textContent);
  var items = [];            // every edit and suggestion of every document
  var byId = new Map();      // item id -> item
  var byChange = new Map();  // "before\u0000after" -> items with that change
  var filters = { kinds: new Set(), sources: new Set(), origins: new Set(), min: 0, max: 1 };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function changeKey(item) { return item.before + "\u0000" + item.after; }

  // Make whitespace visible inside a highlighted change; an empty side shows as ∅.
  function visible(text) {
    var span = el("span");
    if (text === "") { span.appendChild(el("span", "sym", "∅")); return span; }
    Array.from(text).forEach(function (ch) {
      if (ch === "\n") span.appendChild(el("span", "sym", "↵"));
      else if (ch === " ") span.appendChild(el("span", "sym", "␣"));
      else if (ch === "\u3000") span.appendChild(el("span", "sym", "□"));
      else if (ch === "\t") span.appendChild(el("span", "sym", "⇥"));
      else span.appendChild(document.createTextNode(ch));
    });
    return span;
  }

  function confidenceClass(c) { return c >= 0.9 ? "conf-high" : c >= 0.6 ? "conf-mid" : "conf-low"; }

  function overlaps(a, b) {
    if (a.start === a.end && b.start === b.end && a.start === b.start) return true;
    return !(a.end <= b.start || b.end <= a.start);
  }

  function collect() {
    data.documents.forEach(function (doc, d) {
      doc.index = d;
      doc.items = [];
      [["edit", doc.edits], ["suggestion", doc.suggestions]].forEach(function (pair) {
        pair[1].forEach(function (raw, j) {
          var item = Object.assign({}, raw, {
            id: "d" + d + "-" + pair[0][0] + j, doc: d, origin: pair[0], accepted: pair[0] === "edit",
            decided: false, rule: "", chip: null, extras: []
          });
          doc.items.push(item);
          items.push(item);
          byId.set(item.id, item);
          var key = changeKey(item);
          if (!byChange.has(key)) byChange.set(key, []);
          byChange.get(key).push(item);
        });
      });
    });
  }

  // Applied edits are disjoint: they go inline. A suggestion goes inline when it overlaps
  // nothing inline; otherwise it is shown right after the inline change it overlaps.
  function layoutItems(doc) {
    var inline = doc.items.filter(function (it) { return it.origin === "edit"; });
    var rest = doc.items.filter(function (it) { return it.origin !== "edit"; });
    rest.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    rest.forEach(function (s) {
      var host = inline.find(function (it) { return overlaps(it, s); });
      if (host) host.extras.push(s); else inline.push(s);
    });
    inline.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    return inline;
  }

  function makeChip(item, extra) {
    var chip = el("span", "chip kind-" + item.kind + " " + confidenceClass(item.confidence) +
      " origin-" + item.origin + (extra ? " extra" : ""));
    chip.dataset.id = item.id;
    chip.dataset.kind = item.kind;
    chip.dataset.source = item.source;
    chip.tabIndex = 0;
    chip.title = item.kind + " · " + item.source + " · " + item.confidence.toFixed(2) +
      (item.origin === "suggestion" ? " · suggestion" : "");
    var plain = el("span", "plain");
    var mark = el("span", "mark");
    var del = el("del"); del.appendChild(visible(item.before));
    var ins = el("ins"); ins.appendChild(visible(item.after));
    mark.appendChild(del); mark.appendChild(ins);
    chip.appendChild(plain); chip.appendChild(mark);
    chip.addEventListener("click", function (event) { event.stopPropagation(); select(item); });
    chip.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(item); }
    });
    item.chip = chip;
    item.extra = extra;
    return chip;
  }

  function renderDocument(doc) {
    var section = el("section", "doc");
    section.id = "doc-" + doc.index;
    section.dataset.path = doc.path;
    var details = el("details");
    details.open = true;
    var summary = el("summary");
    summary.appendChild(el("span", "path", doc.path));
    summary.appendChild(el("span", "counts", doc.edits.length + " edits, " + doc.suggestions.length + " suggestions"));
    details.appendChild(summary);
    var text = el("div", "text");
    var chars = Array.from(doc.original);
    var position = 0;
    layoutItems(doc).forEach(function (item) {
      text.appendChild(document.createTextNode(chars.slice(position, item.start).join("")));
      text.appendChild(makeChip(item, false));
      item.extras.forEach(function (other) { text.appendChild(makeChip(other, true)); });
      position = item.end;
    });
    text.appendChild(document.createTextNode(chars.slice(position).join("")));
    details.appendChild(text);
    var detail = el("div", "detail");
    detail.hidden = true;
    details.appendChild(detail);
    section.appendChild(details);
    doc.detail = detail;
    return section;
  }

  function evidenceTable(records) {
    var table = el("table", "evidence");
    if (!records || !records.length) {
      var row = table.insertRow();
      row.appendChild(el("td", "", "no evidence recorded"));
      return table;
    }
    records.forEach(function (record) {
      var keys = Object.keys(record).filter(function (key) { return key !== "type"; });
      keys.forEach(function (key, i) {
        var row = table.insertRow();
        if (i === 0) {
          var head = el("th", "", record.type || "evidence");
          head.rowSpan = keys.length;
          row.appendChild(head);
        }
        row.appendChild(el("td", "", key));
        var value = record[key];
        row.appendChild(el("td", "", typeof value === "string" ? value : JSON.stringify(value)));
      });
    });
    return table;
  }

  function button(label, className, action) {
    var b = el("button", className, label);
    b.type = "button";
    b.addEventListener("click", action);
    return b;
  }

  function select(item) {
    items.forEach(function (it) { if (it.chip) it.chip.classList.remove("selected"); });
    item.chip.classList.add("selected");
    var doc = data.documents[item.doc];
    var detail = doc.detail;
    detail.textContent = "";
    detail.dataset.id = item.id;
    var heading = el("h3");
    heading.appendChild(visible(item.before));
    heading.appendChild(document.createTextNode(" → "));
    heading.appendChild(visible(item.after));
    detail.appendChild(heading);
    var facts = el("table", "facts");
    [["kind", item.kind], ["source", item.source], ["confidence", item.confidence.toFixed(3)],
     ["origin", item.origin], ["offsets", "[" + item.start + ", " + item.end + ")"],
     ["decision", describeDecision(item)]].forEach(function (pair) {
      var row = facts.insertRow();
      row.appendChild(el("th", "", pair[0]));
      row.appendChild(el("td", "fact-" + pair[0], pair[1]));
    });
    detail.appendChild(facts);
    detail.appendChild(el("div", "evidence-title", "Evidence"));
    detail.appendChild(evidenceTable(item.evidence));
    var same = byChange.get(changeKey(item));
    var buttons = el("div", "buttons");
    buttons.appendChild(button("Accept", "accept", function () { decide([item], true); }));
    buttons.appendChild(button("Reject", "reject", function () { decide([item], false); }));
    buttons.appendChild(button("Accept all " + same.length + " of this change", "accept-all",
      function () { decide(same, true); }));
    buttons.appendChild(button("Reject all " + same.length + " of this change", "reject-all",
      function () { decide(same, false); }));
    detail.appendChild(buttons);
    // Project rules: what restore learn turns into keep and variant rules for the next runs.
    var rules = el("div", "buttons rules");
    rules.appendChild(button("Never change this", "never", function () { decide([item], false, "never"); }));
    rules.appendChild(button("Always make this change", "always", function () { decide([item], true, "always"); }));
    rules.appendChild(button("Never change any of the " + same.length, "never-all",
      function () { decide(same, false, "never"); }));
    rules.appendChild(button("Always make all " + same.length + " of this change", "always-all",
      function () { decide(same, true, "always"); }));
    detail.appendChild(rules);
    detail.hidden = false;
  }

  function describeDecision(item) {
    var word = item.accepted ? "accepted" : "rejected";
    if (item.rule === "never") return word + ", never change this (a project rule)";
    if (item.rule === "always") return word + ", always make this change (a project rule)";
    return item.decided ? word + " by the reviewer" : word + " (default)";
  }

  function paint(item) {
    item.chip.classList.toggle("accepted", item.accepted);
    item.chip.classList.toggle("rejected", !item.accepted);
    item.chip.classList.toggle("decided", item.decided);
    item.chip.classList.toggle("rule-never", item.rule === "never");
    item.chip.classList.toggle("rule-always", item.rule === "always");
    item.chip.querySelector(".plain").textContent = item.extra ? "" : item.accepted ? item.after : item.before;
  }

  // Every click is an explicit decision; rule is "never", "always" or "" (a decision for this review only).
  function decide(list, accepted, rule) {
    var touched = new Set();
    list.forEach(function (item) {
      item.accepted = accepted;
      item.decided = true;
      item.rule = rule || "";
      paint(item);
      touched.add(item.doc);
    });
    var open = list.length ? list[0] : null;
    if (open && data.documents[open.doc].detail.dataset.id === open.id) select(open);
    touched.forEach(function (d) { markConflicts(data.documents[d]); });
    showConflictCount();
  }

  // Accepted changes that overlap cannot both be applied: mark them so the reviewer sees it.
  function markConflicts(doc) {
    var count = 0;
    doc.items.forEach(function (it) { it.chip.classList.remove("conflict"); });
    var accepted = doc.items.filter(function (it) { return it.accepted; });
    accepted.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    for (var i = 0; i < accepted.length; i++) {
      for (var j = i + 1; j < accepted.length && accepted[j].start <= accepted[i].end; j++) {
        if (overlaps(accepted[i], accepted[j])) {
          accepted[i].chip.classList.add("conflict");
          accepted[j].chip.classList.add("conflict");
          count++;
        }
      }
    }
    doc.conflicts = count;
  }

  function showConflictCount() {
    var count = data.documents.reduce(function (sum, doc) { return sum + (doc.conflicts || 0); }, 0);
    var warning = document.getElementById("conflict-warning");
    warning.hidden = count === 0;
    warning.textContent = count ? count + " pair(s) of accepted changes overlap; apply will refuse them" : "";
  }

  function decisions() {
    return {
      schema: data.decisions_schema,
      documents: data.documents.map(function (doc) {
        var entry = {
          path: doc.path, root: doc.root, sha256: doc.sha256,
          edits: doc.items.map(function (it) {
            var item = { start: it.start, end: it.end, before: it.before, after: it.after, kind: it.kind,
              source: it.source, confidence: it.confidence, origin: it.origin, accepted: it.accepted,
              decided: it.decided };
            if (it.rule) item.rule = it.rule;
            return item;
          })
        };
        // The original's encoding, as --encoding names it, when it was not UTF-8 (apply decodes it so).
        if (doc.encoding && doc.encoding !== "utf-8") {
          entry.encoding = doc.encoding.indexOf("utf-16") === 0 ? "utf-16" : doc.encoding;
        }
        return entry;
      })
    };
  }

  function decisionsJson() { return JSON.stringify(decisions(), null, 1); }


  var downloadUrl = null;
  function exportDecisions() {
    var json = decisionsJson();
    document.getElementById("decisions-json").value = json;
    var link = document.getElementById("download-decisions");
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    link.href = downloadUrl;
    link.hidden = false;
    link.click();
    return json;
  }

  function applyFilters() {
    items.forEach(function (it) {
      var shown = filters.kinds.has(it.kind) && filters.sources.has(it.source) && filters.origins.has(it.origin) &&
        it.confidence >= filters.min - 1e-9 && it.confidence <= filters.max + 1e-9;
      it.chip.classList.toggle("filtered", !shown);
    });
  }

  function checkbox(container, className, value, label, set, swatch) {
    var wrap = el("label");
    if (swatch) {
      var sample = el("span", "legend-swatch");
      sample.style.background = swatch;
      wrap.appendChild(sample);
    }
    var box = el("input", className);
    box.type = "checkbox";
    box.value = value;
    box.checked = true;
    set.add(value);
    box.addEventListener("change", function () {
      if (box.checked) set.add(value); else set.delete(value);
      applyFilters();
    });
    wrap.appendChild(box);
    wrap.appendChild(document.createTextNode(" " + label));
    container.appendChild(wrap);
  }

  function buildFilters() {
    var kindCounts = new Map();
    var sourceCounts = new Map();
    items.forEach(function (it) {
      kindCounts.set(it.kind, (kindCounts.get(it.kind) || 0) + 1);
      sourceCounts.set(it.source, (sourceCounts.get(it.source) || 0) + 1);
    });
    var kinds = KINDS.filter(function (k) { return kindCounts.has(k); });
    kindCounts.forEach(function (_n, k) { if (kinds.indexOf(k) < 0) kinds.push(k); });
    var kindBox = document.getElementById("filter-kinds");
    kinds.forEach(function (k) {
      checkbox(kindBox, "filter-kind", k, k + " (" + kindCounts.get(k) + ")", filters.kinds, "var(--" + k + ", #444)");
    });
    var originBox = document.getElementById("filter-origins");
    [["edit", "applied edits"], ["suggestion", "suggestions"]].forEach(function (pair) {
      var count = items.filter(function (it) { return it.origin === pair[0]; }).length;
      checkbox(originBox, "filter-origin", pair[0], pair[1] + " (" + count + ")", filters.origins);
    });
    var sourceBox = document.getElementById("filter-sources");
    Array.from(sourceCounts.keys()).sort().forEach(function (s) {
      checkbox(sourceBox, "filter-source", s, s + " (" + sourceCounts.get(s) + ")", filters.sources);
    });
    [["filter-min-confidence", "min-confidence-value", "min"], ["filter-max-confidence", "max-confidence-value", "max"]]
      .forEach(function (spec) {
        var input = document.getElementById(spec[0]);
        var update = function () {
          filters[spec[2]] = parseFloat(input.value);
          document.getElementById(spec[1]).textContent = filters[spec[2]].toFixed(2);
          applyFilters();
        };
        input.addEventListener("input", update);
        input.addEventListener("change", update);
      });
  }

  function buildDocumentList() {
    var list = document.querySelector("#document-list ol");
    data.documents.forEach(function (doc) {
      var entry = el("li");
      var link = el("a", "", doc.path);
      link.href = "#doc-" + doc.index;
      entry.appendChild(link);
      entry.appendChild(el("span", "counts", " " + doc.edits.length + "/" + doc.suggestions.length));
      list.appendChild(entry);
    });
  }

  // Names and terms the batch prints two ways: each misprint decided once for all its items.
  function buildSpellings() {
    var box = document.getElementById("spellings");
    var list = data.spellings || [];
    if (!list.length) return;
    box.hidden = false;
    box.querySelector("summary").textContent = "Spelled two ways across the batch (" + list.length + ")";
    var table = el("table", "spellings");
    list.forEach(function (spelling) {
      spelling.forms.forEach(function (form, i) {
        var row = table.insertRow();
        row.className = "spelling";
        row.dataset.entry = spelling.entry;
        row.dataset.form = form.form;
        if (i === 0) {
          var head = el("th", "", spelling.entry);
          head.rowSpan = spelling.forms.length;
          row.appendChild(head);
        }
        var cell = el("td", form.right ? "form right" : "form");
        cell.appendChild(visible(form.form));
        row.appendChild(cell);
        row.appendChild(el("td", "", form.right ? "right" : form.items.length + " change(s)"));
        row.appendChild(el("td", "", form.documents + " document(s)"));
        var actions = el("td", "buttons");
        var targets = form.items.map(function (id) { return byId.get(id); }).filter(Boolean);
        if (targets.length) {
          actions.appendChild(button("Always fix (" + targets.length + ")", "spelling-always",
            function () { decide(targets, true, "always"); }));
          actions.appendChild(button("Never change (" + targets.length + ")", "spelling-never",
            function () { decide(targets, false, "never"); }));
          actions.appendChild(button("Show", "spelling-show", function () {
            targets[0].chip.scrollIntoView({ block: "center" });
            select(targets[0]);
          }));
        }
        row.appendChild(actions);
      });
    });
    box.appendChild(table);
  }

  function main() {
    collect();
    buildDocumentList();
    var container = document.getElementById("documents");
    data.documents.forEach(function (doc) { container.appendChild(renderDocument(doc)); });
    items.forEach(paint);
    buildFilters();
    applyFilters();
    buildSpellings();
    data.documents.forEach(markConflicts);
    showConflictCount();
    var edits = items.filter(function (it) { return it.origin === "edit"; }).length;
    document.getElementById("summary").textContent = data.documents.length + " documents, " + edits +
      " edits applied, " + (items.length - edits) + " suggestions";
    document.getElementById("export-decisions").addEventListener("click", exportDecisions);
    if (data.config) {
      document.getElementById("config-json").textContent = JSON.stringify(data.config, null, 1);
      document.getElementById("config-box").hidden = false;
    }
    document.body.dataset.ready = "true";
  }

  // For scripts and tests: read or change decisions without clicking.
  window.restoreReport = {
    decisions: decisions,
    exportDecisions: exportDecisions,
    setDecision: function (id, accepted, rule) { decide([byId.get(id)], accepted, rule); },
    setChange: function (before, after, accepted) { decide(byChange.get(before + "\u0000" + after) || [], accepted); }
  };

  main();
})();
