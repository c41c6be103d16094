/** The trading routes of both faces (`/api/v1`, `/api/v3`); part of `HTTP_ROUTES`. */
import type { HttpRoute } from '../http-routes.js';

export const TRADING_ROUTES: readonly HttpRoute[] = [];
