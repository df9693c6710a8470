// Small rendering helpers for the signed-in view.

/** `4 min 05 s`, `59 s`, `1 h 02 min`. */
export function duration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function fmtValue(key, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (['exp', 'iat', 'nbf', 'auth_time'].includes(key) && typeof value === 'number') {
    return `${value} · ${new Date(value * 1000).toLocaleString()}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Fills a `<dl>` with the entries of `obj` (timestamps shown as dates too). */
export function fillList(dl, obj) {
  const entries = obj && typeof obj === 'object' ? Object.entries(obj) : [];
  if (!entries.length) {
    const p = document.createElement('dd');
    p.className = 'none';
    p.textContent = 'Nothing returned.';
    dl.replaceChildren(p);
    return;
  }
  dl.replaceChildren(
    ...entries.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = fmtValue(k, v);
      return [dt, dd];
    }),
  );
}
