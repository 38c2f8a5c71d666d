/* Self-assessment page: keeps answers in this browser, shows live scores, exports a response file.
 * Why a script at all: the page is static (no server), so saving and exporting happen here.
 * No libraries and no network: the site runs on intranets without internet access.
 * Data comes from data-* attributes, not inline JSON, because intranet CSPs often block inline
 * scripts. Does nothing on pages without the form. */
(function () {
  "use strict";

  var WORDS = ["not yet", "partly", "mostly", "fully"];
  var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var ROUND = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

  function load(key) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(key) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (e) {
      return {};  // storage blocked or corrupt: start afresh rather than break the page
    }
  }

  function save(key, state) {
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
    } catch (e) {
      /* private mode or full storage: answers still work until the page is left */
    }
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "response";
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function quarter(date) {  // "2026-11-30" -> "2026-Q4"
    return date.slice(0, 4) + "-Q" + (Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1);
  }

  // The round an empty box means for an answer given on `date`: the charter's round that last
  // opened on or before it (the first, before any has opened), else the date's quarter. The rule
  // of generator.selfassess.responses.round_on, which reads the file (a browser test checks that
  // they agree). ISO dates compare as strings.
  function roundOn(rounds, date) {
    if (!rounds.length) {
      return quarter(date);
    }
    var found = rounds[0].id;
    rounds.forEach(function (r) {
      if (r.opens <= date) {
        found = r.id;
      }
    });
    return found;
  }

  function declaredRounds(form) {
    try {
      var rounds = JSON.parse(form.dataset.rounds || "[]");
      return Array.isArray(rounds) ? rounds : [];
    } catch (e) {
      return [];  // written by the generator; never expected, but the form must still work
    }
  }

  function setup(root) {
    var form = root.querySelector(".sa-form[data-storage-key]");
    if (!form || form.dataset.saBound === "1") {
      return;
    }
    form.dataset.saBound = "1";
    var key = form.dataset.storageKey;
    var state = load(key);
    state.answers = state.answers && typeof state.answers === "object" ? state.answers : {};
    var pillars = Array.prototype.slice.call(root.querySelectorAll(".sa-pillar"));
    var controls = form.querySelector(".sa-controls");
    var status = form.querySelector(".sa-status");
    var output = form.querySelector("#sa-export");
    var email = form.querySelector(".sa-email");
    var emailText = form.querySelector("#sa-email-text");
    var mailto = form.querySelector(".sa-mailto");
    var fields = {
      checklist: form.querySelector("#sa-checklist"),
      subject: form.querySelector("#sa-subject"),
      partner: form.querySelector("#sa-partner"),
      role: form.querySelector("#sa-role"),
      round: form.querySelector("#sa-round")
    };
    // The page may be older than today: suggest the round an empty box will mean now.
    var suggested = roundOn(declaredRounds(form), today());
    fields.round.placeholder = suggested;
    Array.prototype.forEach.call(form.querySelectorAll(".sa-round-now"), function (span) {
      span.textContent = suggested;
    });

    // The export box, and the e-mail made from it, never hold a file the form no longer shows.
    function clearExport() {
      output.value = "";
      emailText.value = "";
      email.hidden = true;
    }
    var subjectRow = form.querySelector(".sa-subject-row");

    function showSubject() {  // only the partner leader checklist rates a colleague
      subjectRow.hidden = fields.checklist.value !== "partner-leader";
      // "I bring..." when rating oneself, "They bring..." when rating the leader named
      var others = fields.subject.value.trim() !== "";
      Array.prototype.forEach.call(root.querySelectorAll("legend[data-others]"), function (legend) {
        var text = others ? legend.dataset.others : legend.dataset.self;
        if (legend.textContent !== text) {
          legend.textContent = text;
        }
      });
    }

    function answerKey(pillar, fieldset) {
      return pillar.dataset.checklist + "/" + fieldset.dataset.statement;
    }

    function score(pillar) {
      var sets = pillar.querySelectorAll(".sa-statement");
      var answered = 0;
      var total = 0;
      Array.prototype.forEach.call(sets, function (set) {
        var value = state.answers[answerKey(pillar, set)];
        if (value) {
          answered += 1;
          total += value;
        }
      });
      var text = pillar.dataset.label + ": " + answered + " of " + sets.length + " answered";
      if (answered) {
        text += ", average " + (Math.round((total / answered) * 10) / 10) + " of 4";
      }
      var region = pillar.querySelector(".sa-score");
      if (region.textContent !== text) {  // only a real change is announced
        region.textContent = text;
      }
    }

    function restore() {
      pillars.forEach(function (pillar) {
        Array.prototype.forEach.call(pillar.querySelectorAll(".sa-statement"), function (set) {
          var value = state.answers[answerKey(pillar, set)];
          Array.prototype.forEach.call(set.querySelectorAll("input[type=radio]"), function (r) {
            r.checked = String(value) === r.value;
          });
        });
        score(pillar);
      });
      Object.keys(fields).forEach(function (name) {
        if (fields[name] && typeof state[name] === "string") {
          fields[name].value = state[name];
        }
      });
    }

    pillars.forEach(function (pillar) {
      pillar.addEventListener("change", function (event) {
        var input = event.target;
        var set = input.closest(".sa-statement");
        if (!set || input.type !== "radio") {
          return;
        }
        state.answers[answerKey(pillar, set)] = Number(input.value);
        save(key, state);
        score(pillar);
      });
    });

    Object.keys(fields).forEach(function (name) {
      fields[name].addEventListener("change", function () {
        state[name] = fields[name].value;
        save(key, state);
        if (name === "subject") {
          showSubject();
        }
        // The box must never hold the other checklist's file (or a file that no longer
        // matches the form), ready to copy by mistake.
        clearExport();
        if (name === "checklist") {
          status.textContent = "";
          showSubject();
        }
      });
    });

    function exportYaml() {
      var checklist = fields.checklist.value;
      var round = fields.round.value.trim();
      var subject = checklist === "partner-leader" ? fields.subject.value.trim() : "";
      var role = fields.role.value.trim();
      clearExport();  // a failed export leaves nothing to copy
      if (round && !ROUND.test(round)) {
        status.textContent = "The round may hold letters, digits and - _ . only, like " +
          suggested + ".";
        fields.round.focus();
        return null;
      }
      if (subject && !ID.test(subject)) {
        status.textContent = "The leader's id may hold lowercase letters, digits and hyphens " +
          "only, like the one the secretariat gave you.";
        fields.subject.focus();
        return null;
      }
      var lines = ["checklist: " + checklist];
      if (subject) {
        lines.push("subject: " + subject);
      }
      if (fields.partner.value) {
        lines.push("partner: " + fields.partner.value);
      }
      if (role) {
        // JSON strings are valid YAML double-quoted scalars, so any role text is safe
        lines.push("role: " + JSON.stringify(role));
      }
      lines.push("date: " + today());
      if (round) {
        lines.push("round: " + JSON.stringify(round));
      }
      lines.push("answers:");
      var count = 0;
      // Page order, and only statements still on the page: stale saved ids would not validate
      pillars.forEach(function (pillar) {
        if (pillar.dataset.checklist !== checklist) {
          return;
        }
        Array.prototype.forEach.call(pillar.querySelectorAll(".sa-statement"), function (set) {
          var value = state.answers[answerKey(pillar, set)];
          if (value >= 1 && value <= 4) {
            lines.push("  " + set.dataset.statement + ": " + value + "  # " + WORDS[value - 1]);
            count += 1;
          }
        });
      });
      if (!count) {
        status.textContent = "Rate at least one statement of this checklist before exporting.";
        return null;
      }
      output.value = lines.join("\n") + "\n";
      writeEmail(round || suggested);
      status.textContent = "Exported " + count + " answers. Download the file, or copy the " +
        "e-mail text below, and send it to the partnership's secretariat.";
      return output.value;
    }

    // What to send to whom, ready to paste into an e-mail: no name, nothing but the file.
    function writeEmail(round) {
      var to = form.dataset.secretariat || "";
      var checklist = fields.checklist.options[fields.checklist.selectedIndex].text;
      var subject = "Self-assessment answers: " + checklist + ", round " + round;
      var body = "Here are my answers to the " + checklist + " of the charter \"" +
        form.dataset.title + "\", for round " + round + ", as the response file " +
        fileName() + ". No name is needed: please merge them with the round's other answers " +
        "(charters assess merge).\n\n" + output.value;
      emailText.value = "To: " + (to || "your partnership's secretariat") + "\nSubject: " +
        subject + "\n\n" + body;
      if (mailto) {
        var encode = function (text) {
          return encodeURIComponent(text).replace(/%0A/g, "%0D%0A");  // RFC 6068 line ends
        };
        mailto.href = "mailto:" + encodeURIComponent(to).replace(/%40/g, "@") + "?subject=" +
          encode(subject) + "&body=" + encode(body);
      }
      email.hidden = false;
    }

    function copy(text, done, fallback) {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = done;
        }, fallback);
      } else {
        fallback();
      }
    }

    // One name per checklist (and per leader rated), so two exports never overwrite each other.
    function fileName() {
      var who = fields.partner.value || fields.role.value.trim();
      var subject = fields.checklist.value === "partner-leader" ? fields.subject.value.trim() : "";
      return today() + "-" + fields.checklist.value + (subject ? "-about-" + slug(subject) : "") +
        (who ? "-" + slug(who) : "") + ".yaml";
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      var action = button.dataset.action;
      if (action === "export") {
        exportYaml();
      } else if (action === "reset") {
        state.answers = {};
        save(key, state);
        restore();
        clearExport();
        status.textContent = "All answers on this page were cleared.";
      } else if (action === "copy" || action === "copy-email") {
        if (!output.value && !exportYaml()) {
          return;
        }
        var box = action === "copy" ? output : emailText;
        var what = action === "copy" ? "the response file" : "the e-mail text";
        copy(box.value, "Copied " + what + ".", function () {
          box.focus();
          box.select();
          status.textContent = "The " + what.slice(4) + " is selected: press Ctrl+C (or Cmd+C) " +
            "to copy it.";
        });
      } else if (action === "download") {
        if (!output.value && !exportYaml()) {
          return;
        }
        var url = URL.createObjectURL(new Blob([output.value], {type: "text/yaml"}));
        var link = document.createElement("a");
        link.href = url;
        link.download = fileName();
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        status.textContent = "Downloaded " + link.download + ".";
      }
    });

    restore();
    showSubject();
    var note = form.querySelector(".sa-nojs");
    if (note) {
      note.hidden = true;
    }
    controls.hidden = false;
  }

  // Task-list boxes are disabled markers, not controls: their item text already says it all,
  // so hide them from assistive technology rather than have an unlabelled form field.
  function quietTaskBoxes(root) {
    Array.prototype.forEach.call(
      root.querySelectorAll(".task-list-item input[type=checkbox][disabled]"),
      function (box) { box.setAttribute("aria-hidden", "true"); });
  }

  // "Print this summary": only "What the partnership says" goes to paper (the print styles in
  // self-assessment.css read the class), on one or two pages, for a board.
  function printSummary(root) {
    var button = root.querySelector("button[data-action=print-summary]");
    if (!button || button.dataset.saBound === "1") {
      return;
    }
    button.dataset.saBound = "1";
    button.addEventListener("click", function () {
      document.body.classList.add("sa-print-summary");
      window.print();
    });
    button.parentNode.hidden = false;
  }

  window.addEventListener("afterprint", function () {
    document.body.classList.remove("sa-print-summary");  // the next print is the whole page
  });

  function run() {
    quietTaskBoxes(document);
    setup(document);
    printSummary(document);
  }

  // Material's instant navigation swaps pages without a reload and announces each on document$;
  // opened from disk (file://) document$ never fires, so the page also starts on
  // DOMContentLoaded. setup marks the form it binds, so starting twice binds it once.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  }
})();
