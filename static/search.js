/* chancery search: the client of the index that `chancery build` writes under search/.
 *
 * It loads the index with <script> elements, never fetch or XHR, so it works from file:// as
 * well as from any host or sub-path: every index file calls back into window.chanceryIndex.
 * meta.js comes first (counts, shard keys, filters, link patterns); a query then loads only
 * the term shards of its words (terms/<n>.js), the id lists of its filters
 * (facets/<kind>-<slug>.js) and the document rows of the results on screen (docs/<n>.js).
 *
 * Words become terms exactly as src/search/tokenize.rs makes them (fold, compounds, stop
 * words, Porter2 stemming); the browser test checks the two agree on a whole vocabulary.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------
  // Words into terms: the twin of src/search/tokenize.rs
  // ---------------------------------------------------------------------------------------

  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  var MARKS = /[\u0300-\u036f]/g;
  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i" };
  var SPECIAL_RE = /[ßæœþøđðłı]/g;
  var MAX_WORD_CHARS = 40;
  var STOP_WORDS = new Set(("a an and are as at be been but by for from had has have he her his in into is it its " +
    "of on or she than that the their them there they this to was were which will with").split(" "));

  function foldChar(c) {
    if (c < "\x80") return c.toLowerCase();
    return c.toLowerCase().normalize("NFD").replace(MARKS, "").replace(SPECIAL_RE, function (m) {
      return SPECIAL[m];
    });
  }

  function isWordChar(c) {
    return c !== undefined && WORD_CHAR.test(c);
  }

  /* Calls f(word, kind) for every folded word: kind 0 alone, 1 part of a compound, 2 a
   * compound's parts joined ("s400" for "S-400"). */
  function words(text, f) {
    var chars = Array.from(text);
    var part = "", joined = "", parts = 0;
    for (var i = 0; i <= chars.length; i++) {
      var c = chars[i];
      if (isWordChar(c)) {
        part += foldChar(c);
        continue;
      }
      var links = (c === "-" || c === ".") && part !== "" && isWordChar(chars[i + 1]);
      if (part !== "") {
        f(part, parts === 0 && !links ? 0 : 1);
        joined += part;
        parts++;
        part = "";
      }
      if (!links) {
        if (parts > 1) f(joined, 2);
        joined = "";
        parts = 0;
      }
    }
  }

  function isIndexable(word) {
    var n = Array.from(word).length;
    return n >= 2 && n <= MAX_WORD_CHARS && !STOP_WORDS.has(word);
  }

  function termOf(word) {
    return /^[a-z]+$/.test(word) ? stem(word) : word;
  }

  // ---------------------------------------------------------------------------------------
  // Porter2 (Snowball English), as rust-stemmers implements it
  // ---------------------------------------------------------------------------------------

  var EXCEPTIONS = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"
  };
  var AFTER_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
  // Suffix lists, longest first: Snowball acts on the longest suffix found, or not at all.
  var STEP_1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
  var STEP_2 = [
    ["ational", "ate"], ["ization", "ize"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
    ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
    ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"],
    ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"],
    ["ogi", "og"], ["li", ""]
  ];
  var STEP_3 = [
    ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
    ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""]
  ];
  var STEP_4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
    "ive", "ize", "ion", "al", "er", "ic"];

  function isVowel(c) {
    return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y";
  }

  /* Where the region after the first non-vowel that follows a vowel, from `from`, begins. */
  function regionAfter(s, from) {
    var i = from;
    while (i < s.length && !isVowel(s[i])) i++;
    if (i >= s.length) return s.length;
    i++;
    while (i < s.length && isVowel(s[i])) i++;
    return i >= s.length ? s.length : i + 1;
  }

  /* Does s end in a short syllable? */
  function endsShort(s) {
    var n = s.length;
    if (n >= 3 && !isVowel(s[n - 1]) && "wxY".indexOf(s[n - 1]) < 0 && isVowel(s[n - 2]) && !isVowel(s[n - 3])) {
      return true;
    }
    return n === 2 && isVowel(s[0]) && !isVowel(s[1]);
  }

  function longest(s, suffixes) {
    for (var i = 0; i < suffixes.length; i++) {
      var suffix = typeof suffixes[i] === "string" ? suffixes[i] : suffixes[i][0];
      if (s.length >= suffix.length && s.slice(s.length - suffix.length) === suffix) return i;
    }
    return -1;
  }

  function stem(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) return EXCEPTIONS[word];
    if (word.length < 3) return word;
    var s = word.charAt(0) === "y" ? "Y" + word.slice(1) : word;
    for (var i = 1; i < s.length; i++) {
      if (s[i] === "y" && isVowel(s[i - 1])) s = s.slice(0, i) + "Y" + s.slice(i + 1);
    }
    var prefix = /^(gener|commun|arsen)/.exec(s);
    var p1 = prefix ? prefix[0].length : regionAfter(s, 0);
    var p2 = regionAfter(s, p1);
    s = step1a(s);
    if (!AFTER_1A.has(s)) {
      s = step1b(s, p1);
      s = step1c(s);
      s = step2(s, p1);
      s = step3(s, p1, p2);
      s = step4(s, p2);
      s = step5(s, p1, p2);
    }
    return s.replace(/Y/g, "y");
  }

  function step1a(s) {
    var n = s.length;
    if (/sses$/.test(s)) return s.slice(0, n - 2);
    if (/ie[sd]$/.test(s)) return s.slice(0, n - 3) + (n - 3 >= 2 ? "i" : "ie");
    if (/(us|ss)$/.test(s)) return s;
    if (/s$/.test(s) && /[aeiouy]/.test(s.slice(0, n - 2))) return s.slice(0, n - 1);
    return s;
  }

  function step1b(s, p1) {
    var i = longest(s, STEP_1B);
    if (i < 0) return s;
    var suffix = STEP_1B[i], base = s.slice(0, s.length - suffix.length);
    if (suffix === "eed" || suffix === "eedly") return base.length >= p1 ? base + "ee" : s;
    if (!/[aeiouy]/.test(base)) return s;
    if (/(at|bl|iz)$/.test(base)) return base + "e";
    if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(base)) return base.slice(0, base.length - 1);
    if (base.length === p1 && endsShort(base)) return base + "e";
    return base;
  }

  function step1c(s) {
    var n = s.length;
    if (n > 2 && (s[n - 1] === "y" || s[n - 1] === "Y") && !isVowel(s[n - 2])) return s.slice(0, n - 1) + "i";
    return s;
  }

  function step2(s, p1) {
    var i = longest(s, STEP_2);
    if (i < 0) return s;
    var suffix = STEP_2[i][0], base = s.slice(0, s.length - suffix.length);
    if (base.length < p1) return s;
    var before = base.charAt(base.length - 1);
    if (suffix === "ogi" && before !== "l") return s;
    if (suffix === "li" && "cdeghkmnrt".indexOf(before) < 0) return s;
    return base + STEP_2[i][1];
  }

  function step3(s, p1, p2) {
    var i = longest(s, STEP_3);
    if (i < 0) return s;
    var suffix = STEP_3[i][0], base = s.slice(0, s.length - suffix.length);
    if (base.length < p1 || (suffix === "ative" && base.length < p2)) return s;
    return base + STEP_3[i][1];
  }

  function step4(s, p2) {
    var i = longest(s, STEP_4);
    if (i < 0) return s;
    var suffix = STEP_4[i], base = s.slice(0, s.length - suffix.length);
    if (base.length < p2) return s;
    if (suffix === "ion" && !/[st]$/.test(base)) return s;
    return base;
  }

  function step5(s, p1, p2) {
    var n = s.length, base = s.slice(0, n - 1);
    if (s[n - 1] === "e" && (base.length >= p2 || (base.length >= p1 && !endsShort(base)))) return base;
    if (s[n - 1] === "l" && base.length >= p2 && base.charAt(base.length - 1) === "l") return base;
    return s;
  }

  /* The query as tokens: each a folded word, its term, and whether it may still be growing
   * (the last word while the reader is typing it), which makes it match as a prefix too. */
  function parseQuery(query) {
    var tokens = [], seen = new Set();
    words(query, function (word, kind) {
      if (kind === 1 || !isIndexable(word)) return;
      var term = termOf(word);
      if (seen.has(term)) return;
      seen.add(term);
      tokens.push({ word: word, term: term, prefix: false });
    });
    var last = Array.from(query).pop();
    if (tokens.length && isWordChar(last)) tokens[tokens.length - 1].prefix = true;
    return tokens;
  }

  // ---------------------------------------------------------------------------------------
  // Loading index files through <script> elements
  // ---------------------------------------------------------------------------------------

  var base = "./";
  var settled = new Map(); // key -> value, once its file has called back
  var waiting = new Map(); // key -> {promise, resolve}

  function settle(key, value) {
    settled.set(key, value);
    var w = waiting.get(key);
    if (w) w.resolve(value);
  }

  /* Loads index file `path` (relative to search/), which calls back with `key`. */
  function load(key, path) {
    if (settled.has(key)) return Promise.resolve(settled.get(key));
    var w = waiting.get(key);
    if (w) return w.promise;
    w = {};
    w.promise = new Promise(function (resolve, reject) {
      w.resolve = resolve;
      var script = document.createElement("script");
      script.src = base + path;
      script.async = true;
      script.onerror = function () {
        waiting.delete(key);
        reject(new Error("cannot load " + script.src));
      };
      script.onload = function () {
        script.remove();
        if (!settled.has(key)) reject(new Error(script.src + " did not call back"));
      };
      document.head.appendChild(script);
    });
    waiting.set(key, w);
    return w.promise;
  }

  var api = window.chanceryIndex = {
    meta: function (m) { settle("meta", m); },
    shard: function (n, terms) { settle("terms/" + n, terms); },
    docs: function (n, rows) { settle("docs/" + n, rows); },
    facet: function (name, ids) { settle("facets/" + name, ids); },
    // For tests and tools: the same rules as the Rust side.
    stem: stem,
    terms: function (query) { return parseQuery(query).map(function (t) { return t.term; }); },
    // The latest searches shown, with the time from keystroke to results on screen.
    last: null,
    history: []
  };

  // ---------------------------------------------------------------------------------------
  // Posting lists (src/search/encode.rs)
  // ---------------------------------------------------------------------------------------

  var DIGITS = new Int8Array(128);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, i) {
    DIGITS[c.charCodeAt(0)] = i;
  });

  /* Decodes gaps (and, with `weighted`, a weight after each) into {ids, weights, length}. */
  function decode(text, weighted) {
    var ids = new Uint32Array(text.length), weights = weighted ? new Uint8Array(text.length) : null;
    var n = 0, previous = -1, i = 0;
    while (i < text.length) {
      var value = 0, shift = 0, digit;
      do {
        digit = DIGITS[text.charCodeAt(i++)];
        value += (digit & 31) * Math.pow(2, shift);
        shift += 5;
      } while (digit & 32);
      previous += value + 1;
      ids[n] = previous;
      if (weighted) weights[n] = DIGITS[text.charCodeAt(i++)];
      n++;
    }
    return { ids: ids, weights: weights, length: n };
  }

  var decoded = new Map(); // term -> decoded postings, kept across keystrokes

  function postings(shard, term) {
    var list = decoded.get(term);
    if (!list) {
      list = decode(shard[term], true);
      decoded.set(term, list);
    }
    return list;
  }

  // ---------------------------------------------------------------------------------------
  // Searching
  // ---------------------------------------------------------------------------------------

  var meta = null;
  var MAX_PREFIX_TERMS = 24;
  var MAX_PREFIX_SHARDS = 3;
  // A word of one or two letters matches as a prefix nearly every term it shares shards with:
  // loading them costs more than the completions are worth.
  var MIN_PREFIX_CHARS = 3;

  /* The last shard whose key is not greater than `term` (src/search/shard.rs). */
  function shardOf(term) {
    var keys = meta.shards, lo = 0, hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] <= term) lo = mid + 1; else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /* The shards a token needs: its term's, and while it is being typed, those of its prefix. */
  function shardsFor(token) {
    var shards = [shardOf(token.term)];
    if (token.prefix && token.word.length >= MIN_PREFIX_CHARS) {
      var first = shardOf(token.word), last = shardOf(token.word + "\uffff");
      if (last - first < MAX_PREFIX_SHARDS) {
        for (var s = first; s <= last; s++) if (shards.indexOf(s) < 0) shards.push(s);
      }
    }
    return shards;
  }

  function loadShard(n) {
    return load("terms/" + n, "terms/" + n + ".js");
  }

  /* The index terms a token matches: its own term, and terms its typed prefix begins. */
  function candidates(token, shards) {
    var found = [];
    shards.forEach(function (shard) {
      if (Object.prototype.hasOwnProperty.call(shard, token.term)) found.push([shard, token.term]);
    });
    if (token.prefix && token.word.length >= MIN_PREFIX_CHARS) {
      var more = [];
      shards.forEach(function (shard) {
        for (var term in shard) {
          if (term !== token.term && term.lastIndexOf(token.word, 0) === 0) more.push([shard, term]);
        }
      });
      // Many completions: keep the most common, which are the likeliest meant.
      more.sort(function (a, b) { return b[0][b[1]].length - a[0][a[1]].length; });
      found = found.concat(more.slice(0, MAX_PREFIX_TERMS));
    }
    return found;
  }

  function idf(df) {
    return Math.log(1 + (meta.docs - df + 0.5) / (df + 0.5));
  }

  /* Scores every briefing that matches one token: the best of its candidate terms. */
  function scoreToken(token, shards, best, touched) {
    candidates(token, shards).forEach(function (candidate) {
      var list = postings(candidate[0], candidate[1]), weight = idf(list.length);
      for (var i = 0; i < list.length; i++) {
        var id = list.ids[i], score = weight * list.weights[i];
        if (best[id] === 0) touched.push(id);
        if (score > best[id]) best[id] = score;
      }
    });
  }

  var ID_SPACE = 4194304; // 2^22: ids and scores share one float64 sort key

  /* Ranks briefings for `tokens` within `allowed` (a Uint8Array mask, or null for all):
   * every word must match; when none has all, those with most of them. */
  function rank(tokens, shards, allowed) {
    var n = meta.docs, total = new Float64Array(n), hits = new Uint8Array(n), all = [];
    var best = new Float32Array(n);
    tokens.forEach(function (token, t) {
      var touched = [];
      scoreToken(token, shards[t], best, touched);
      for (var i = 0; i < touched.length; i++) {
        var id = touched[i];
        if (hits[id] === 0) all.push(id);
        hits[id]++;
        total[id] += best[id];
        best[id] = 0;
      }
    });
    var matched = all.filter(function (id) { return hits[id] === tokens.length && (!allowed || allowed[id]); });
    var partial = false;
    if (!matched.length && tokens.length > 1) {
      partial = true;
      matched = all.filter(function (id) { return !allowed || allowed[id]; });
    }
    // One native numeric sort: score (and, for partial matches, words matched) high, then id
    // low (newest first) packed into one float64 per briefing.
    var keys = new Float64Array(matched.length);
    for (var i = 0; i < matched.length; i++) {
      var id = matched[i], score = Math.round(total[id] * 100) + (partial ? hits[id] * 1e7 : 0);
      keys[i] = score * ID_SPACE + (ID_SPACE - 1 - id);
    }
    keys.sort();
    var ids = new Uint32Array(keys.length);
    for (var j = 0; j < keys.length; j++) ids[j] = ID_SPACE - 1 - (keys[keys.length - 1 - j] % ID_SPACE);
    return { ids: ids, partial: partial };
  }

  /* The mask of briefings that pass every chosen filter, or null when there are none. */
  function filterMask(filters) {
    var names = [];
    if (filters.country) names.push("country-" + filters.country);
    if (filters.topic) names.push("topic-" + filters.topic);
    if (filters.year) names.push("year-" + filters.year);
    if (!names.length) return Promise.resolve(null);
    return Promise.all(names.map(function (name) {
      return load("facets/" + name, "facets/" + name + ".js").catch(function () { return ""; });
    })).then(function (lists) {
      var mask = new Uint8Array(meta.docs);
      lists.forEach(function (text) {
        var list = decode(text, false);
        for (var i = 0; i < list.length; i++) mask[list.ids[i]]++;
      });
      for (var id = 0; id < mask.length; id++) mask[id] = mask[id] === lists.length ? 1 : 0;
      return mask;
    });
  }

  /* Runs a search: {ids (ranked), partial, tokens}. */
  function search(query, filters) {
    var tokens = parseQuery(query);
    var shardLists = tokens.map(shardsFor);
    var needed = new Set([].concat.apply([], shardLists));
    return Promise.all([
      Promise.all(Array.from(needed).map(function (n) { return loadShard(n).then(function (s) { return [n, s]; }); })),
      filterMask(filters)
    ]).then(function (loaded) {
      var shards = new Map(loaded[0]), mask = loaded[1];
      if (!tokens.length) {
        var ids = [];
        if (mask) for (var id = 0; id < mask.length; id++) if (mask[id]) ids.push(id);
        return { ids: ids, partial: false, tokens: tokens };
      }
      var perToken = shardLists.map(function (list) { return list.map(function (n) { return shards.get(n); }); });
      var ranked = rank(tokens, perToken, mask);
      ranked.tokens = tokens;
      return ranked;
    });
  }

  function docRow(id) {
    var n = Math.floor(id / meta.docsPerFile);
    return load("docs/" + n, "docs/" + n + ".js").then(function (rows) { return rows[id % meta.docsPerFile]; });
  }

  // ---------------------------------------------------------------------------------------
  // The page
  // ---------------------------------------------------------------------------------------

  var PAGE_SIZE = 10;
  var ui = {};
  var state = { results: null, shown: 0, run: 0 };

  function link(kind, slug) {
    var pattern = meta.links[kind];
    return pattern[0] + slug + pattern[1];
  }

  /* Appends `text` to `parent`, with the words the query matched in <mark>. */
  function highlight(parent, text, tokens) {
    var terms = new Set(tokens.map(function (t) { return t.term; }));
    var prefixes = tokens.filter(function (t) { return t.prefix; }).map(function (t) { return t.word; });
    var matches = function (word) {
      if (!isIndexable(word)) return false;
      if (terms.has(termOf(word))) return true;
      return prefixes.some(function (p) { return word.lastIndexOf(p, 0) === 0; });
    };
    var compound = /[\p{Alphabetic}\p{N}]+(?:[-.][\p{Alphabetic}\p{N}]+)*/gu;
    var at = 0, m;
    while ((m = compound.exec(text))) {
      parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      var span = m[0], folded = [];
      words(span, function (word, kind) { if (kind !== 2) folded.push(word); });
      if (folded.length > 1 && matches(folded.join(""))) {
        mark(parent, span);
      } else {
        // Mark the matching parts of the compound (or the word itself).
        span.split(/([-.])/).forEach(function (piece) {
          if (piece === "-" || piece === ".") parent.appendChild(document.createTextNode(piece));
          else if (piece) {
            var w = "";
            words(piece, function (word) { w = word; });
            if (w && matches(w)) mark(parent, piece); else parent.appendChild(document.createTextNode(piece));
          }
        });
      }
      at = m.index + span.length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function mark(parent, text) {
    var m = document.createElement("mark");
    m.textContent = text;
    parent.appendChild(m);
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function chips(row) {
    var list = element("ul", "chips");
    row[4].forEach(function (t) {
      var c = meta.countries[t], a = element("a", "chip chip-country");
      a.href = link("country", c[0]);
      a.textContent = (c[2] ? c[2] + " " : "") + c[1];
      list.appendChild(element("li")).appendChild(a);
    });
    row[5].forEach(function (t) {
      var c = meta.topics[t], a = element("a", "chip chip-topic", c[1]);
      a.href = link("topic", c[0]);
      list.appendChild(element("li")).appendChild(a);
    });
    return list;
  }

  function resultItem(row, tokens, index) {
    var li = element("li", "search-result");
    li.dataset.slug = row[3];
    var card = li.appendChild(element("article", "card"));
    var title = card.appendChild(element("h2", "card-title"));
    var a = title.appendChild(element("a"));
    a.href = link("briefing", row[3]);
    a.id = "search-result-" + index;
    highlight(a, row[0], tokens);
    card.appendChild(element("p", "meta", row[1]));
    highlight(card.appendChild(element("p", "summary")), row[2], tokens);
    if (row[4].length || row[5].length) card.appendChild(chips(row));
    return li;
  }

  /* Shows the next page of results (rows load first, so the list never flickers). */
  function showMore(run, started) {
    var r = state.results, from = state.shown, to = Math.min(r.ids.length, from + PAGE_SIZE);
    var ids = Array.prototype.slice.call(r.ids, from, to);
    return Promise.all(ids.map(docRow)).then(function (rows) {
      if (run !== state.run) return;
      rows.forEach(function (row, i) { ui.results.appendChild(resultItem(row, r.tokens, from + i)); });
      state.shown = to;
      ui.more.hidden = to >= r.ids.length;
      if (started !== undefined) report(run, started);
    });
  }

  function report(run, started) {
    var r = state.results, ms = performance.now() - started, count = r.ids.length;
    var words = r.tokens.map(function (t) { return t.word; }).join(" ");
    var text;
    if (!r.tokens.length && !count) text = "";
    else if (!count) text = "No briefings match" + (words ? " “" + words + "”" : "") + ".";
    else text = count + (count === 1 ? " briefing" : " briefings") + (r.partial ? " match some of the words" : "");
    ui.status.textContent = text;
    ui.status.dataset.ms = ms.toFixed(1);
    api.last = { query: ui.q.value, filters: currentFilters(), count: count, ms: ms, run: run };
    api.history.push(api.last);
    if (api.history.length > 100) api.history.shift();
  }

  function currentFilters() {
    return { country: ui.country.value, topic: ui.topic.value, year: ui.year.value };
  }

  /* Keeps the query and filters in the address, so a search can be bookmarked and shared. */
  function remember(query, filters) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    ["country", "topic", "year"].forEach(function (k) { if (filters[k]) params.set(k, filters[k]); });
    var search = params.toString();
    try {
      history.replaceState(null, "", search ? "?" + search : location.pathname.split("/").pop() || "./");
    } catch (e) {
      // Some browsers refuse history changes on file://; the search still works.
    }
  }

  function run(started) {
    var query = ui.q.value, filters = currentFilters(), id = ++state.run;
    remember(query, filters);
    return search(query, filters).then(function (results) {
      if (id !== state.run) return;
      state.results = results;
      state.shown = 0;
      ui.results.textContent = "";
      return showMore(id, started);
    }).catch(function (error) {
      if (id !== state.run) return;
      ui.status.textContent = "The search index could not be loaded (" + error.message + ").";
    });
  }

  function resultLinks() {
    return Array.prototype.slice.call(ui.results.querySelectorAll(".card-title a"));
  }

  /* Arrow keys walk from the box through the results and back; Enter follows the link. */
  function onKey(event) {
    var links = resultLinks(), at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? ui.q : links[at - 1]).focus();
    } else if (event.key === "Escape" && at >= 0) {
      ui.q.focus();
    } else {
      return;
    }
    event.preventDefault();
  }

  function readAddress() {
    var params = new URLSearchParams(location.search);
    ui.q.value = params.get("q") || "";
    ["country", "topic", "year"].forEach(function (k) {
      var value = params.get(k) || "";
      if (Array.prototype.some.call(ui[k].options, function (o) { return o.value === value; })) ui[k].value = value;
    });
  }

  function start() {
    ["q", "country", "topic", "year", "status", "results", "more", "form"].forEach(function (k) {
      ui[k] = document.getElementById("search-" + k);
    });
    if (!ui.q || !ui.results) return;
    readAddress();
    ui.form.addEventListener("submit", function (e) { e.preventDefault(); run(performance.now()); });
    ui.q.addEventListener("input", function () { run(performance.now()); });
    ["country", "topic", "year"].forEach(function (k) {
      ui[k].addEventListener("change", function () { run(performance.now()); });
    });
    ui.more.addEventListener("click", function () { showMore(state.run); });
    document.addEventListener("keydown", onKey);
    var started = performance.now();
    load("meta", "meta.js").then(function (m) {
      meta = m;
      document.documentElement.classList.add("search-ready");
      return run(started);
    }).catch(function (error) {
      ui.status.textContent = "The search index could not be loaded (" + error.message + ").";
    });
  }

  var script = document.currentScript;
  if (script && script.dataset.index) base = script.dataset.index;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
