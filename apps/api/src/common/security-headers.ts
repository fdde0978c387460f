import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';

/**
 * One policy for every response. The API's JSON needs none of it; the two pages it serves shape it: the reference
 * (Swagger UI: its own scripts, inline styles, data: images, fetches the OpenAPI document) and the queue dashboard
 * (bull-board: its own scripts, inline styles, IBM Plex from Google Fonts). Nothing may frame either page.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:', 'https://fonts.gstatic.com'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
};

/**
 * Security headers on every response (helmet): nosniff, X-Frame-Options DENY, the policy above, no X-Powered-By.
 * Strict-Transport-Security is left to the TLS-terminating proxy in front of the API, which knows whether the site is
 * served over HTTPS and which subdomains share it.
 */
export function installSecurityHeaders(app: INestApplication): void {
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: false,
    }),
  );
}
