import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export type Route =
  | { page: 'schedules' }
  | { page: 'upcoming' }
  | { page: 'new' }
  | { page: 'schedule'; id: string }
  | { page: 'edit'; id: string }
  | { page: 'execution'; id: string }
  | { page: 'missing' };

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'schedules')) return { page: 'schedules' };
  if (parts.length === 1 && parts[0] === 'upcoming') return { page: 'upcoming' };
  if (parts[0] === 'schedules' && parts[1] === 'new' && parts.length === 2) return { page: 'new' };
  if (parts[0] === 'schedules' && parts.length === 2) return { page: 'schedule', id: parts[1] };
  if (parts[0] === 'schedules' && parts[2] === 'edit' && parts.length === 3) return { page: 'edit', id: parts[1] };
  if (parts[0] === 'executions' && parts.length === 2) return { page: 'execution', id: parts[1] };
  return { page: 'missing' };
}

export function navigate(path: string): void {
  history.pushState(null, '', BASE + path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Client-side navigation for plain left clicks; the href keeps middle-click, copy link and keyboard Enter working. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element).closest('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE) || anchor.target) return;
  event.preventDefault();
  navigate(url.pathname.slice(BASE.length) + url.search);
}
