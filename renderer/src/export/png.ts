// PNG of a DOM subtree without a library: the subtree is cloned into an SVG <foreignObject>
// together with the page's own stylesheets, rasterised by the browser into a canvas and encoded.
// Everything is same-origin and inline, so the canvas is never tainted.

function pageCss(): string {
  let css = '';
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) css += `${rule.cssText}\n`;
    } catch {
      // A cross-origin sheet cannot be read; there are none under our CSP.
    }
  }
  return css;
}

/** Form state lives in properties, not attributes; a clone would lose it. */
function freezeFormState(source: Element, clone: Element): void {
  const from = source.querySelectorAll('input, select, textarea');
  const to = clone.querySelectorAll('input, select, textarea');
  from.forEach((el, i) => {
    const target = to[i];
    if (!target) return;
    if (el instanceof HTMLInputElement) {
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked) target.setAttribute('checked', '');
        else target.removeAttribute('checked');
      } else target.setAttribute('value', el.value);
    } else if (el instanceof HTMLSelectElement) {
      target.querySelectorAll('option').forEach((o, j) => {
        if (j === el.selectedIndex) o.setAttribute('selected', '');
        else o.removeAttribute('selected');
      });
    } else if (el instanceof HTMLTextAreaElement) target.textContent = el.value;
  });
  // Dialogs and scrolled logs do not belong in a picture of the dashboard.
  clone.querySelectorAll('dialog').forEach((d) => d.remove());
}

export async function renderPng(element: HTMLElement, scale = window.devicePixelRatio || 1): Promise<Blob> {
  const width = Math.ceil(element.scrollWidth);
  const height = Math.ceil(element.scrollHeight);
  const clone = element.cloneNode(true) as HTMLElement;
  freezeFormState(element, clone);
  // The theme's variables live on the dashboard's root element, so the clone carries them.
  const wrapper = document.createElement('div');
  wrapper.setAttribute('xmlns', 'http://www.w3.org/1999/xhtml');
  wrapper.setAttribute('style', `width:${width}px;height:${height}px;`);
  const style = document.createElement('style');
  style.textContent = pageCss();
  wrapper.append(style, clone);

  const xhtml = new XMLSerializer().serializeToString(wrapper);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<foreignObject x="0" y="0" width="100%" height="100%">${xhtml}</foreignObject></svg>`;
  const image = new Image();
  image.decoding = 'sync';
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the dashboard could not be rasterised'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await loaded;

  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas available for the PNG export');
  ctx.scale(scale, scale);
  ctx.fillStyle = getComputedStyle(element).backgroundColor || '#000';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
