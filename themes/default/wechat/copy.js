(function () {
  // 复制到公众号：把文章正文以 text/html（附 text/plain）放进剪贴板。
  function data(key) {
    var el = document.getElementById('wx-data-' + key);
    return JSON.parse(el.textContent);
  }
  function say(btn, ok) {
    var st = document.getElementById('wx-status-' + btn.getAttribute('data-key'));
    if (!st) return;
    st.textContent = ok
      ? '已复制。请打开公众号后台 → 内容管理 → 草稿箱 → 新的创作 → 写新图文，点正文区域后按 Ctrl+V（手机或苹果电脑 ⌘V）粘贴，填好标题和封面后保存并预览。'
      : '复制没有成功。请在下面的预览里从头到尾选中文字，按 Ctrl+C 复制后再粘贴。';
  }
  function fallback(d) {
    var ok = false;
    function onCopy(e) {
      e.clipboardData.setData('text/html', d.html);
      e.clipboardData.setData('text/plain', d.text);
      e.preventDefault();
      ok = true;
    }
    document.addEventListener('copy', onCopy);
    try { document.execCommand('copy'); } catch (e) { ok = false; }
    document.removeEventListener('copy', onCopy);
    if (!ok) {
      // Last resort: select a hidden copy of the article and copy the selection.
      var box = document.createElement('div');
      box.innerHTML = d.html;
      box.style.cssText = 'position:fixed;left:-9999px;top:0';
      document.body.appendChild(box);
      var r = document.createRange();
      r.selectNodeContents(box);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      sel.removeAllRanges();
      document.body.removeChild(box);
    }
    return ok;
  }
  function copy(btn) {
    var d = data(btn.getAttribute('data-key'));
    if (navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
      var item = new ClipboardItem({
        'text/html': new Blob([d.html], { type: 'text/html' }),
        'text/plain': new Blob([d.text], { type: 'text/plain' })
      });
      navigator.clipboard.write([item]).then(function () { say(btn, true); },
        function () { say(btn, fallback(d)); });
    } else {
      say(btn, fallback(d));
    }
  }
  var buttons = document.querySelectorAll('button[data-key]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function (e) { copy(e.currentTarget); });
  }
})();
