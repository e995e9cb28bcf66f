// trots survey pages: small enhancements. Everything works without this
// script; with it, answers survive a reload or a closed tab (kept in this
// browser only, per survey link, until they are sent or for KEEP_MS after
// the last change), the progress is counted, text fields show how much
// room is left, and the send button cannot be tapped twice.
(function () {
  'use strict';

  var PREFIX = 'trots:';
  var PENDING = PREFIX + 'pending';
  // How long unsent answers are kept after the last change. A phone, a
  // tablet in the canteen, a shared PC: kept longer, they would greet the
  // next person who opens the link on the same device.
  var KEEP_MS = 2 * 60 * 60 * 1000;

  function store(kind) {
    try {
      var s = window[kind];
      s.setItem(PREFIX + 'probe', '1');
      s.removeItem(PREFIX + 'probe');
      return s;
    } catch (e) {
      return null; // private mode, storage disabled: no keeping, no harm
    }
  }
  var local = store('localStorage');
  var session = store('sessionStorage');

  // Unsent answers older than KEEP_MS are wiped whenever a page of the
  // survey opens on this device, whichever link they were given for: the
  // privacy notice promises they do not linger.
  if (local) {
    for (var i = local.length - 1; i >= 0; i--) {
      var k = local.key(i);
      if (!k || k.indexOf(PREFIX + 'answers:') !== 0) {
        continue;
      }
      var kept;
      try {
        kept = JSON.parse(local.getItem(k) || 'null');
      } catch (e) {
        kept = null;
      }
      var keptAge = kept ? Date.now() - Number(kept.saved) : NaN;
      if (!(keptAge >= 0 && keptAge <= KEEP_MS)) {
        local.removeItem(k);
      }
    }
  }

  function fill(template, args) {
    return template.replace(/\{(\d+)\}/g, function (m, i) {
      return String(args[Number(i)]);
    });
  }

  function chars(value) {
    // Count as the server does: a line break is one character.
    return Array.from(value.replace(/\r\n/g, '\n')).length;
  }

  // The thank-you page: the answers just sent need not be kept any more.
  if (document.querySelector('[data-sent]')) {
    if (session && local) {
      var sent = session.getItem(PENDING);
      if (sent) {
        local.removeItem(sent);
        session.removeItem(PENDING);
      }
    }
    return;
  }

  var form = document.querySelector('form.survey');
  if (!form) {
    return;
  }
  var storeKey = PREFIX + 'answers:' + form.getAttribute('data-store');
  var keyInput = form.querySelector('[data-key]');
  var items = Array.prototype.slice.call(form.querySelectorAll('[data-item]'));
  var button = form.querySelector('[data-submit]');
  var buttonText = button ? button.textContent : '';

  function answerFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.indexOf('a.') === 0;
    });
  }

  function save() {
    if (!local) {
      return;
    }
    var data = { key: keyInput ? keyInput.value : '', saved: Date.now(), answers: {} };
    answerFields().forEach(function (el) {
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) {
          (data.answers[el.name] = data.answers[el.name] || []).push(el.value);
        }
      } else if (el.value.trim() !== '') {
        data.answers[el.name] = [el.value];
      }
    });
    try {
      local.setItem(storeKey, JSON.stringify(data));
    } catch (e) {
      // Storage full: the form still works.
    }
  }

  function restore() {
    if (!local || !form.hasAttribute('data-restore')) {
      return;
    }
    var data;
    try {
      data = JSON.parse(local.getItem(storeKey) || 'null');
    } catch (e) {
      data = null;
    }
    if (!data || typeof data.answers !== 'object' || !data.answers) {
      return;
    }
    var age = Date.now() - Number(data.saved);
    if (!(age >= 0 && age <= KEEP_MS)) {
      local.removeItem(storeKey); // too old, or from before answers expired
      return;
    }
    var restored = false;
    answerFields().forEach(function (el) {
      var given = data.answers[el.name];
      if (!Array.isArray(given)) {
        return;
      }
      restored = true;
      if (el.type === 'radio' || el.type === 'checkbox') {
        el.checked = given.indexOf(el.value) >= 0;
      } else {
        el.value = String(given[0]);
      }
    });
    // The key of the form these answers were first given in: if they were
    // sent but the reply never arrived, sending again stores them once.
    if (keyInput && /^[a-z2-7]{26}$/.test(data.key || '')) {
      keyInput.value = data.key;
    }
    if (restored && notice) {
      notice.hidden = false;
    }
  }

  // The notice that answers were put back, with a way to start afresh:
  // someone else's answers on a shared device, or one's own second
  // thoughts. Starting over forgets the kept answers and takes the form's
  // own key again, so that what is sent next is a response of its own.
  var notice = document.querySelector('[data-restored]');
  var formKey = keyInput ? keyInput.value : '';
  var startOver = notice && notice.querySelector('[data-start-over]');
  if (startOver) {
    startOver.addEventListener('click', function () {
      if (local) {
        local.removeItem(storeKey);
      }
      answerFields().forEach(function (el) {
        if (el.type === 'radio' || el.type === 'checkbox') {
          el.checked = false;
        } else {
          el.value = '';
        }
        clearError(el);
      });
      if (keyInput) {
        keyInput.value = formKey;
      }
      notice.hidden = true;
      updateProgress();
      var first = form.querySelector('input, textarea');
      if (first) {
        first.focus();
      }
    });
  }

  // Progress: how many questions have an answer.
  var bar = document.querySelector('[data-progress]');
  var barValue = bar && bar.querySelector('progress');
  var barText = bar && bar.querySelector('[data-progress-text]');
  var progressText = form.getAttribute('data-text-progress') || '';

  function isAnswered(item) {
    if (item.querySelector('input:checked')) {
      return true;
    }
    var t = item.querySelector('textarea');
    return !!(t && t.value.trim() !== '');
  }

  function updateProgress() {
    if (!bar) {
      return;
    }
    var n = items.filter(isAnswered).length;
    barValue.value = n;
    barText.textContent = fill(progressText, [n, items.length]);
  }

  // Character counters of text answers.
  var counterText = form.getAttribute('data-text-counter') || '';

  function updateCounter(t) {
    var counter = t.parentNode.querySelector('[data-counter]');
    if (counter) {
      counter.textContent = fill(counterText, [chars(t.value), t.getAttribute('data-max')]);
    }
  }

  restore();
  if (bar) {
    bar.hidden = false;
  }
  updateProgress();
  Array.prototype.forEach.call(form.querySelectorAll('textarea[data-max]'), updateCounter);

  // Once a question flagged by the server has an answer, its flag goes
  // (an error, or the mark of a question left open).
  function clearError(el) {
    var item = el.closest && el.closest('[data-item]');
    if (item && item.classList.contains('is-open') && isAnswered(item)) {
      item.classList.remove('is-open');
      var open = item.querySelector('.field-open');
      if (open) {
        open.hidden = true;
      }
    }
    if (!item || !item.classList.contains('has-error') || !isAnswered(item)) {
      return;
    }
    item.classList.remove('has-error');
    var msg = item.querySelector('.field-error');
    if (msg) {
      msg.hidden = true;
    }
    Array.prototype.forEach.call(item.querySelectorAll('[aria-invalid]'), function (input) {
      input.removeAttribute('aria-invalid');
    });
  }

  form.addEventListener('change', function (e) {
    clearError(e.target);
    save();
    updateProgress();
  });
  form.addEventListener('input', function (e) {
    if (e.target.tagName === 'TEXTAREA') {
      updateCounter(e.target);
      clearError(e.target);
      save();
      updateProgress();
    }
  });

  // Sending: once. The answers stay kept until the thank-you page says
  // they were stored.
  form.addEventListener('submit', function (e) {
    if (form.hasAttribute('data-sending')) {
      e.preventDefault();
      return;
    }
    form.setAttribute('data-sending', '');
    save();
    if (session) {
      session.setItem(PENDING, storeKey);
    }
    if (button) {
      // Disabled after this event, so the submission itself goes ahead.
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = form.getAttribute('data-text-submitting') || button.textContent;
      }, 0);
    }
  });

  // Back from the next page (browser cache): the button works again.
  window.addEventListener('pageshow', function (e) {
    if (e.persisted && button) {
      form.removeAttribute('data-sending');
      button.disabled = false;
      button.textContent = buttonText;
    }
  });

  // After a refused submission, bring the list of problems into view; after
  // one sent with questions open, the question whether to send anyway.
  var summary = document.getElementById('error-summary') || document.getElementById('open-notice');
  if (summary) {
    summary.focus();
  }
})();
