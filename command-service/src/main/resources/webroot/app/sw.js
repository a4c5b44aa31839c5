/*
 * The app shell offline: the page, its scripts, styles and icon, and the code it shares with the console under
 * /common/, are cached so the app opens without a network and can say it is offline. API responses are never
 * cached: a car's state or a command's status from a cache would be old data passing for new. The network is
 * tried first, so a new version is picked up at once.
 */
const CACHE = 'carlink-app-shell-v3';
const SHELL = [
  '/app/', '/app/index.html', '/app/app.css', '/app/icon.svg', '/app/manifest.webmanifest',
  '/app/main.js', '/app/api.js', '/app/car.js', '/app/cars.js', '/app/chart.js', '/app/climate.js', '/app/commands.js',
  '/app/dom.js', '/app/schedules.js', '/app/service.js', '/app/session.js', '/app/state.js', '/app/sterilization.js',
  '/app/stream.js',
  '/common/base.css', '/common/api.js', '/common/banner.js', '/common/dom.js', '/common/session.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // only the shell: the API (and anything else) goes to the network untouched
  const shell = url.pathname.startsWith('/app/') || url.pathname.startsWith('/common/');
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !shell) {
    return;
  }
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })
      .then((hit) => hit || caches.match('/app/index.html'))));
});
