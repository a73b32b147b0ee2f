"""The page's CSS and script (passed to ``launch``): layout, the sources panel, the article view.

Layout rules the browser tests hold the page to: the sources panel scrolls inside itself and never
runs under another panel; a citation marker scrolls only that panel (the chat stays in view); on a
narrow screen (under 760 px) a Chat / Sources switch shows one of the two instead of a long page.
"""

CSS = """
/* Gradio's theme declares Source Sans Pro at weight 600 from a file that holds a handful of glyphs
   (space, A, B...: 5 KB, against 100 KB for the Bold file beside it), so every other letter of a bold
   run fell back to another font: wider and taller ("Ivo Minar" set larger than the text), with the
   "A"s and "B"s of a headline in a lighter weight. The full Bold file serves weight 600 instead. */
@font-face { font-family: 'Source Sans Pro'; src: url('static/fonts/SourceSansPro/SourceSansPro-Bold.woff2') format('woff2');
             font-weight: 600; font-style: normal; }
/* the chat's short answer (``***x***``: ui.format._quote_md) is a highlight of the text's size and
   weight; headings ("Not found...", "Compared:") stay plain bold, never highlighted */
#nq-chat em:has(> strong:only-child) { font-style: normal; }
#nq-chat em > strong:only-child { font-weight: inherit; font-size: inherit; background: #ffd36b; color: #111;
                                  border-radius: 2px; padding: 0 2px; box-decoration-break: clone; }
#nq-sources-box { max-height: calc(100vh - 220px); min-height: 200px; overflow-y: auto !important;
                  overscroll-behavior: contain; position: relative; }
#nq-chat .icon-button-wrapper, #nq-chat button[aria-label="Clear"] { display: none !important; }  /* the Clear button does it */
#nq-again { gap: 8px; }
#nq-again:not(:has(button)) { display: none !important; }  /* both hidden: no empty row, no gap */
#nq-again button { width: auto !important; min-width: 0 !important; flex: 0 1 auto !important; }
#nq-chat a[href*="#nq-t"] { color: var(--color-accent); font-weight: 600; text-decoration: none; }
.nq-sources { display: flex; flex-direction: column; gap: 10px; }
.nq-turn { border-top: 2px solid var(--border-color-primary); padding-top: 6px; }
.nq-turn-q { font-weight: 600; margin-bottom: 6px; overflow-wrap: anywhere; }
.nq-turn-note { font-size: 0.8em; opacity: 0.75; margin: -4px 0 6px; }
.nq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
           margin-bottom: 8px; background: var(--background-fill-secondary); scroll-margin-top: 8px;
           transition: box-shadow 0.3s; overflow-wrap: anywhere; }
.nq-card.nq-flash { box-shadow: 0 0 0 3px #f5b400; }
.nq-card-head { font-weight: 600; }
.nq-n { color: var(--color-accent); }
.nq-meta { font-size: 0.85em; opacity: 0.8; margin: 2px 0 6px; overflow-wrap: anywhere; }
.nq-para { margin: 0; line-height: 1.5; }
a.nq-open { display: inline-block; margin-top: 6px; font-size: 0.85em; color: var(--color-accent); }
mark.nq-quote { background: #fff2a8; color: #111; padding: 0 1px; }
strong.nq-answer { background: #ffd36b; color: #111; text-decoration: underline; }
.nq-note { font-size: 0.85em; margin-top: 4px; }
.nq-label { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; opacity: 0.75; }
.nq-related { border-style: dashed; }
.nq-headlines { margin: 0; padding-left: 2.2em; }
.nq-headlines li.nq-hit { font-weight: 600; }
table.nq-summary { border-collapse: collapse; width: 100%; }
table.nq-summary th, table.nq-summary td { border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
    padding: 3px 8px !important; font-size: 0.9em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.nq-summary th { font-weight: 600; width: 1%; white-space: nowrap; overflow-wrap: normal; }  /* "passages" on one line */
.nq-refused { color: #b3261e; }
.nq-ok { color: #1e7b34; }
.nq-dup { color: #8a5a00; }
.nq-upload-lines { margin: 4px 0; padding-left: 1.2em; }
.nq-empty { opacity: 0.7; }
#nq-article-modal { position: fixed !important; top: 4vh; left: 50%; transform: translateX(-50%);
    width: min(860px, 94vw); max-height: 92vh; overflow-y: auto; z-index: 1000;
    background: var(--background-fill-primary); border: 1px solid var(--border-color-primary);
    border-radius: 10px; box-shadow: 0 10px 40px rgba(0,0,0,0.35); padding: 0 16px 12px; }
#nq-article-modal .html-container, #nq-article-modal .prose, #nq-article { overflow: visible !important; }
/* the header (headline, date, source, section, close) stays at the top while the text scrolls */
.nq-article-head { position: sticky; top: 0; z-index: 2; display: flex; align-items: flex-start; gap: 12px;
    background: var(--background-fill-primary); border-bottom: 1px solid var(--border-color-primary);
    padding: 12px 0 6px; margin-bottom: 8px; }
.nq-article-head > div { flex: 1; min-width: 0; }
.nq-article-head .nq-article-title { margin: 0 0 2px; }
button.nq-article-x { flex: none; border: 1px solid var(--border-color-primary); border-radius: 6px;
    background: var(--background-fill-secondary); padding: 4px 12px; font-weight: 600; cursor: pointer; }
.nq-article-text { white-space: pre-wrap; line-height: 1.55; overflow-wrap: anywhere; }
/* the cited paragraph: a pale blue band (the quote's yellow mark stands out inside it) */
.nq-cited-para { background: #e8f0fe; box-shadow: 0 0 0 4px #e8f0fe; border-radius: 2px; color: #111;
                 -webkit-box-decoration-break: clone; box-decoration-break: clone; }
#nq-article-quote { scroll-margin: 40vh; }
#nq-viewtabs { display: none; }
#nq-viewtabs button { padding: 6px 18px; border: 1px solid var(--border-color-primary); border-radius: 6px;
    background: var(--background-fill-secondary); margin-right: 6px; font-weight: 600; }
#nq-viewtabs[data-nq-view="sources"] button[data-nq-view="sources"],
#nq-viewtabs:not([data-nq-view="sources"]) button[data-nq-view="chat"] {
    background: var(--color-accent); color: white; }
@media (max-width: 760px) {
  #nq-viewtabs { display: block; position: sticky; top: 0; z-index: 50;
                 background: var(--background-fill-primary); padding: 4px 0; }
  #nq-main[data-nq-view="sources"] #nq-chat-col { display: none !important; }
  #nq-main:not([data-nq-view="sources"]) #nq-sources-col { display: none !important; }
  #nq-sources-box { max-height: calc(100vh - 170px); }
}
"""

# Clicks handled in the capture phase, before the chat's own link handling (which would open a tab):
# - a citation marker scrolls the sources panel (only it) to its card and flashes the card; on a
#   narrow screen it first switches to the Sources view;
# - "Open the article" asks the app (through a hidden field and button) for the article view;
# - the narrow-screen Chat / Sources switch.
# And the chat's scrolling (the Chatbot has autoscroll=False): each new answer is brought into view
# once, in the frame it is drawn. One taller than the chat shows its first line at the top, where the
# state and the reason are ("Not found ...", "Unsure: ..."; Gradio's autoscroll showed its end, the
# related list of a refusal); a shorter one the chat's end. Nothing scrolls afterwards, so the
# reader's own scrolling is left alone.
HEAD = """
<script>
(function () {
  // Gradio scopes the app's CSS under its container, so the view is set on elements inside it.
  function setView(v) {
    ["nq-main", "nq-viewtabs"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.setAttribute("data-nq-view", v);
    });
  }
  function narrow() { return window.matchMedia("(max-width: 760px)").matches; }
  function scrollPanelTo(el) {
    var box = document.getElementById("nq-sources-box");
    if (!box) return;
    var delta = el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    box.scrollTo({top: box.scrollTop + delta, behavior: "smooth"});
  }
  // The article view is closed by the app's (hidden) Close button, so the app knows it is closed.
  function articleOpen() {
    var m = document.getElementById("nq-article-modal");
    return !!(m && m.getClientRects().length && getComputedStyle(m).visibility !== "hidden");
  }
  function closeArticle() {
    var btn = document.getElementById("nq-article-close");
    if (btn) btn.click();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && articleOpen()) { ev.preventDefault(); closeArticle(); }
  }, true);
  document.addEventListener("click", function (ev) {
    var t = ev.target && ev.target.closest ? ev.target : null;
    if (!t) return;
    var tab = t.closest("#nq-viewtabs button[data-nq-view]");
    if (tab) { ev.preventDefault(); setView(tab.getAttribute("data-nq-view")); return; }
    var open = t.closest("a.nq-open");
    if (open) {
      ev.preventDefault(); ev.stopPropagation();
      var field = document.querySelector("#nq-open-req textarea, #nq-open-req input");
      var btn = document.getElementById("nq-open-btn");
      if (!field || !btn) return;
      field.value = JSON.stringify({doc: open.dataset.doc, start: +open.dataset.start, end: +open.dataset.end,
                                    a: +open.dataset.a, b: +open.dataset.b});
      field.dispatchEvent(new Event("input", {bubbles: true}));
      setTimeout(function () { btn.click(); }, 30);
      return;
    }
    if (t.closest("button.nq-article-x")) { ev.preventDefault(); closeArticle(); return; }
    var a = t.closest("a[href*='#nq-t']");
    if (!a) return;
    ev.preventDefault(); ev.stopPropagation();
    var id = decodeURIComponent((a.getAttribute("href") || "").split("#").pop());
    var el = document.getElementById(id);
    if (!el) return;
    if (narrow()) setView("sources");
    setTimeout(function () {
      scrollPanelTo(el);
      el.classList.add("nq-flash");
      setTimeout(function () { el.classList.remove("nq-flash"); }, 1600);
    }, narrow() ? 50 : 0);
  }, true);
  var answers = 0, queued = false;  // the answers in the chat, the last one of them already shown
  function showNewAnswer() {
    queued = false;
    var wrap = document.querySelector("#nq-chat .bubble-wrap");
    var bots = wrap ? wrap.querySelectorAll("[data-testid='bot']") : [];
    if (bots.length < answers) answers = bots.length;  // cleared
    var last = bots[bots.length - 1];
    if (bots.length === answers || !last.offsetHeight) return;  // nothing new, or not drawn (or hidden) yet
    answers = bots.length;
    var r = last.getBoundingClientRect();
    if (r.height > wrap.clientHeight - 16) wrap.scrollTop += r.top - wrap.getBoundingClientRect().top - 8;
    else wrap.scrollTop = wrap.scrollHeight;
  }
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(showNewAnswer); }
  }).observe(document.documentElement, {childList: true, subtree: true, attributeFilter: ["data-nq-view"]});
})();
</script>
"""

# Run after the article view is filled: bring the cited paragraph just under the sticky header (or,
# when the paragraph is taller than the view, the quote a third of the way down).
SCROLL_TO_QUOTE_JS = """
() => {
  let tries = 0;
  const go = () => {
    const modal = document.getElementById("nq-article-modal");
    const mark = document.getElementById("nq-article-quote");
    if (!modal || !mark) { if (tries++ < 40) setTimeout(go, 50); return; }
    const head = modal.querySelector(".nq-article-head");
    const para = document.getElementById("nq-article-para") || mark;
    const top = modal.getBoundingClientRect().top + (head ? head.getBoundingClientRect().height : 0);
    const room = modal.clientHeight - (head ? head.offsetHeight : 0);
    const p = para.getBoundingClientRect();
    if (p.height < room - 48) modal.scrollTop += p.top - top - 24;
    else modal.scrollTop += mark.getBoundingClientRect().top - top - room / 3;
  };
  setTimeout(go, 30);
}
"""

VIEW_TABS_HTML = ('<div role="tablist" aria-label="Show">'
                  '<button type="button" data-nq-view="chat">Chat</button>'
                  '<button type="button" data-nq-view="sources">Sources</button></div>')
