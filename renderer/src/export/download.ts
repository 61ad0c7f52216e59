/** Saves a blob under `name` through the browser's download path (works in Electron too). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function stampedName(stem: string, extension: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  return `${stem}-${stamp}.${extension}`;
}
